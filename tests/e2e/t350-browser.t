#!/bin/bash
# t350-browser.t - the search page in headless chromium over WebDriver (tests/browser/search.t).
# Skips with a reason when chromium, chromedriver or lighttpd is missing.
exec bash "$(dirname "$0")/../browser/search.t"
