# Briefing Search - plain Makefile.
#   make            build bin/briefing-index, bin/briefing-query, bin/briefing.cgi
#                   and build/briefing_ext.so (the loadable SQLite extension)
#   make check      install missing packages (as root), build, run every test
#   make demo       build, index corpus/ into build/demo.db, run sample queries
#   make bench      benchmark against plain FTS5 (prints figures, never fails on time)
#   make asan       the same programs with ASan+UBSan in build/asan/bin/
#   make check-asan every test against the ASan+UBSan programs
#   make check-valgrind  the programs under valgrind memcheck (tests/valgrind.sh)
#   make fuzz       libFuzzer targets in build/fuzz/ (clang)
#   make install    PREFIX=/usr/local DESTDIR=
# WERROR=1 turns warnings into errors (CI sets it).

CC ?= cc
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib/briefing-search
CGIDIR ?= $(PREFIX)/lib/cgi-bin
VERSION := 0.1.0

PKG_CONFIG ?= pkg-config
DEPS_CFLAGS := $(shell $(PKG_CONFIG) --cflags sqlite3 jansson 2>/dev/null)
DEPS_LIBS := $(shell $(PKG_CONFIG) --libs sqlite3 jansson 2>/dev/null || echo -lsqlite3 -ljansson)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)
# libstemmer ships no .pc file on Debian, so it is named by hand.
STEMMER_LIBS ?= -lstemmer

WARN := -Wall -Wextra -Wpedantic -Wstrict-prototypes -Wmissing-prototypes -Wshadow \
        -Wno-overlength-strings
ifeq ($(WERROR),1)
WARN += -Werror
endif
OPT ?= -O2 -g
CFLAGS ?= $(OPT)
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) \
              -Iinclude -Ilib $(DEPS_CFLAGS) -DBRIEF_VERSION='"$(VERSION)"' -MMD -MP
LIBS := $(DEPS_LIBS) $(STEMMER_LIBS) -lm -pthread

# The three programs are run once per query or CGI request, so what a
# process costs before main() counts. They link SQLite, jansson and
# libstemmer from the static archives the -dev packages ship, and are not
# position-independent: loading three shared libraries cost 1.4 million
# instructions of symbol lookup and relocation, and a PIE program (or a
# shared libstemmer) writes every page of the libraries' pointer tables at
# start (84 pages of .data.rel.ro, most of them libstemmer's tables of all
# its languages), where a page fault costs about 12 us on our VMs. A
# rare-word query at 100k briefings: 358 page faults dynamic, 337 static
# PIE, 251 static non-PIE. The price is that the programs' own addresses
# are not randomised (the libc's still are); PIE=1 keeps PIE and
# STATIC_DEPS=0 links the shared libraries as before. libc stays shared:
# a fully static program would be some 40 page faults cheaper still, but
# valgrind (tests/valgrind.sh) cannot watch malloc in one. The ASan build
# links the shared libraries. Missing archives fall back to them too.
STATIC_DEPS ?= 1
PIE ?= 0
DEPS_ARCHIVES := $(foreach l,sqlite3 jansson stemmer,$(wildcard $(abspath $(shell $(CC) -print-file-name=lib$(l).a))))
ifeq ($(STATIC_DEPS)$(words $(DEPS_ARCHIVES)),13)
PROG_LIBS := $(DEPS_ARCHIVES) -lm -ldl -lpthread
else
PROG_LIBS := $(LIBS)
endif
ifneq ($(PIE),1)
PROG_LDFLAGS := -no-pie
endif

# BUILD is where objects go; the asan target reuses these rules with another BUILD.
BUILD ?= build
BIN ?= bin

LIB_SRC := $(wildcard lib/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB_A := $(BUILD)/libbrief.a

INDEX_SRC := $(wildcard indexer/*.c)
QUERY_SRC := query/briefing-query.c query/render_text.c
CGI_SRC := query/briefing-cgi.c
# Any other query/*.c is shared by the front ends and linked into all three.
FRONT_COMMON := $(filter-out $(QUERY_SRC) $(CGI_SRC),$(wildcard query/*.c))

PROGRAMS := $(BIN)/briefing-index $(BIN)/briefing-query $(BIN)/briefing.cgi
EXT := $(BUILD)/briefing_ext.so

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_HELPERS := $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c))

.PHONY: all check check-unit check-e2e demo bench asan check-asan check-valgrind fuzz install clean deps \
        deps-test unit

all: $(PROGRAMS) $(EXT)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# Built aside and renamed, so a concurrent link never sees a half-written archive.
$(LIB_A): $(LIB_OBJ)
	@rm -f $@.tmp
	$(AR) rcs $@.tmp $^
	@mv -f $@.tmp $@

$(BIN)/briefing-index: $(INDEX_SRC:%.c=$(BUILD)/%.o) $(FRONT_COMMON:%.c=$(BUILD)/%.o) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(PROG_LDFLAGS) -o $@ $^ $(PROG_LIBS)

$(BIN)/briefing-query: $(QUERY_SRC:%.c=$(BUILD)/%.o) $(FRONT_COMMON:%.c=$(BUILD)/%.o) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(PROG_LDFLAGS) -o $@ $^ $(PROG_LIBS)

$(BIN)/briefing.cgi: $(CGI_SRC:%.c=$(BUILD)/%.o) $(FRONT_COMMON:%.c=$(BUILD)/%.o) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(PROG_LDFLAGS) -o $@ $^ $(PROG_LIBS)

# The loadable extension: sqlite3ext.h reroutes every sqlite3_* call through
# the host's API table, so its objects are compiled apart, with -fPIC.
EXT_SRC := ext/briefing_ext.c lib/tokenizer.c lib/pairs.c lib/status.c lib/error.c
EXT_OBJ := $(EXT_SRC:%.c=$(BUILD)/ext-obj/%.o)
$(BUILD)/ext-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -DBRIEF_SQLITE_EXTENSION -c $< -o $@
$(EXT): $(EXT_OBJ)
	$(CC) -shared $(LDFLAGS) -o $@ $^ $(STEMMER_LIBS)

# Unit tests: one cmocka program per tests/unit/test_<module>.c.
$(BUILD)/tests/%: tests/unit/%.c $(UNIT_HELPERS:%.c=$(BUILD)/%.o) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(UNIT_HELPERS:%.c=$(BUILD)/%.o) $(LIB_A) \
	    $(LIBS) $(CMOCKA_LIBS)

unit: $(UNIT_BIN)

deps:
	@sh scripts/install-deps.sh build
deps-test:
	@sh scripts/install-deps.sh test

check: deps-test
	$(MAKE) all unit
	$(MAKE) check-unit check-e2e

check-unit: $(UNIT_BIN)
	@sh tests/run-unit.sh $(UNIT_BIN)

check-e2e: all
	BRIEF_BIN=$(abspath $(BIN)) BRIEF_BUILD=$(abspath $(BUILD)) prove -f tests/e2e/

demo: deps
	$(MAKE) all
	@sh scripts/demo.sh

bench: deps-test
	$(MAKE) all
	@sh tests/bench/run.sh

SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
asan:
	$(MAKE) BUILD=build/asan BIN=build/asan/bin OPT="-O1 -g" STATIC_DEPS=0 PIE=1 \
	    CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" all unit

check-asan: asan
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    sh tests/run-unit.sh $(UNIT_SRC:tests/unit/%.c=build/asan/tests/%)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    BRIEF_BIN=$(abspath build/asan/bin) BRIEF_BUILD=$(abspath build/asan) \
	    prove -f $(filter-out %/t900-fuzz-smoke.t,$(sort $(wildcard tests/e2e/*.t)))

check-valgrind: all
	BRIEF_BIN=$(abspath $(BIN)) bash tests/valgrind.sh

fuzz:
	@sh tests/fuzz/build.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(CGIDIR)
	install -m 755 $(BIN)/briefing-index $(BIN)/briefing-query $(DESTDIR)$(BINDIR)/
	install -m 755 $(BIN)/briefing.cgi $(DESTDIR)$(CGIDIR)/
	install -m 644 $(EXT) $(DESTDIR)$(LIBDIR)/

clean:
	rm -rf build bin

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
