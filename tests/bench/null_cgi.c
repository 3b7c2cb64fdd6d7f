/* null_cgi.c - a CGI program that prints a fixed page: the floor of CGI cost for make bench. */
#include <stdio.h>

int main(void)
{
    fputs("Content-Type: text/html; charset=utf-8\r\n\r\n"
          "<!doctype html><html><head><title>null</title></head>"
          "<body><p>A fixed page.</p></body></html>\n",
          stdout);
    return 0;
}
