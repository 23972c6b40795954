# SPDX-License-Identifier: ISC
# portcomply: build, run and test.
#
#   make run    build, then serve the MIB through a private snmpd on 127.0.0.1:1161
#   make test   unit tests, integration tests, smilint, and the unit tests under ASan+UBSan
#
# Both install missing Debian packages first (make deps). Every file the build
# writes goes under $(BUILD); 'make clean' removes it.

SHELL := /bin/bash
CC ?= cc
BUILD ?= build
# SANITIZE=1 builds everything under $(BUILD) with ASan+UBSan (make test uses build/asan).
SANITIZE ?=
# FUZZ=1 adds libFuzzer's coverage instrumentation (clang; make fuzz builds build/fuzz).
FUZZ ?=
# make fuzz: seconds per fuzzer; make test runs each for FUZZ_SMOKE_TIME.
FUZZ_TIME ?= 60
FUZZ_SMOKE_TIME ?= 5
# Integration scenarios run this many at a time, each in its own network namespace.
JOBS ?= 2

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wno-format-nonliteral
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CPPFLAGS) $(CFLAGS) -Iagent -I$(BUILD)/gen -pthread
ALL_LDFLAGS := $(LDFLAGS) -pthread
ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ALL_LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(FUZZ),1)
ALL_CFLAGS += -fsanitize=fuzzer-no-link
endif
LIBS := -lnetsnmpagent -lnetsnmp -lconfuse -lmnl

# The agent is a library of modules plus main.c, so that every module's unit
# test links against exactly the code the daemon runs.
AGENT_SRCS := $(filter-out agent/daemon/main.c,$(wildcard agent/*/*.c))
AGENT_OBJS := $(AGENT_SRCS:agent/%.c=$(BUILD)/agent/%.o)
UNIT_SRCS := $(wildcard tests/unit/*/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(BUILD)/helpers/%)
PRELOAD_SRCS := $(wildcard tests/preload/*.c)
PRELOAD_LIBS := $(PRELOAD_SRCS:tests/preload/%.c=$(BUILD)/preload/%.so)
FUZZ_SRCS := $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:fuzz/%.c=$(BUILD)/fuzzers/%)
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)
DAEMON := $(BUILD)/portcomplyd
MIB := mibs/PORT-COMPLIANCE-MIB.txt
MIB_ROOT_H := $(BUILD)/gen/mib_root.h
MIB_OIDS_H := $(BUILD)/gen/mib_oids.h
MIB_META_H := $(BUILD)/gen/mib_meta.h
GEN_H := $(MIB_ROOT_H) $(MIB_OIDS_H) $(MIB_META_H)
PATHS_H := $(BUILD)/gen/paths.h

# Where make install puts things (DESTDIR prefixes them all). The daemon's
# default configuration and catalog are compiled in from these.
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
# The daemon's state (its baseline of listeners): LOCALSTATEDIR/lib/portcomply.
LOCALSTATEDIR ?= /var
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
# The MIB, under PREFIX like everything else: /usr/share/snmp/mibs, where
# net-snmp looks, for PREFIX=/usr (the package); for /usr/local, point the
# tools at it (-M +/usr/local/share/snmp/mibs, or mibdirs in snmp.conf).
MIBDIR ?= $(DATADIR)/snmp/mibs
UNITDIR ?= $(PREFIX)/lib/systemd/system
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
SNMPD_DROPIN_DIR ?= $(SYSCONFDIR)/snmp/snmpd.conf.d
PC_USER ?= portcomply
CATALOG_DIR := $(DATADIR)/portcomply/catalog
CONF_DIR := $(SYSCONFDIR)/portcomply
MAN_PAGES := man/portcomplyd.8 man/portcomply.conf.5 man/portcomply-catalog.5

.PHONY: all deps build run test check layers unit unit-asan integration valgrind mib-lint \
	bench clean install uninstall deb man-lint doc-lint snmp-yml contrib fleet FORCE fuzz fuzz-smoke \
	fuzzers prebuild host-root-background stress tools-test host spdx-lint
.DEFAULT_GOAL := all

all: build

deps:
	@tools/deps.sh

build: $(DAEMON) $(HELPER_BINS) $(PRELOAD_LIBS)

# 'run' and 'test' re-enter make after deps so that a fresh machine needs nothing else.
run: deps
	@$(MAKE) --no-print-directory build
	@tools/run.sh

test: deps
	@$(MAKE) --no-print-directory check

check: prebuild build layers mib-lint man-lint doc-lint spdx-lint tools-test contrib unit integration fleet host unit-asan \
	fuzz-smoke valgrind
	@echo "make test: all passed"

$(DAEMON): $(BUILD)/agent/daemon/main.o $(BUILD)/libportcomply.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libportcomply.a: $(AGENT_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The generated headers are order-only: the .d files make their real users
# depend on them.
$(BUILD)/agent/%.o: agent/%.c | $(GEN_H) $(PATHS_H)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The agent's OIDs come from the MIB itself, so moving the module (see README)
# is one edit of its MODULE-IDENTITY line.
$(MIB_ROOT_H): $(MIB) tools/mib-root.sh | $(BUILD)/gen
	tools/mib-root.sh $(MIB) > $@.tmp && mv $@.tmp $@

# Every OID, column, scalar and notification the agent names (mib_oids.h),
# and the MIB's types, accesses and notification objects the unit tests
# hold the agent against (mib_meta.h), from the MIB by tools/mib-oids.sh.
$(BUILD)/gen/mib_%.h: $(MIB) tools/mib-oids.sh | $(BUILD)/gen
	tools/mib-oids.sh $(MIB) $* > $@.tmp && mv $@.tmp $@

# Rewritten only when PREFIX, SYSCONFDIR or LOCALSTATEDIR change, so only
# then is the daemon rebuilt.
$(PATHS_H): FORCE | $(BUILD)/gen
	@printf '#define PC_SYSCONFDIR "%s"\n#define PC_DATADIR "%s"\n#define PC_STATEDIR "%s"\n' \
		'$(SYSCONFDIR)' '$(DATADIR)' '$(LOCALSTATEDIR)/lib/portcomply' >$@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libportcomply.a | $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/support -MMD -MP -o $@ $< $(BUILD)/libportcomply.a \
		$(ALL_LDFLAGS) $(LIBS) -lcmocka

$(BUILD)/helpers/%: tests/helpers/%.c $(BUILD)/libportcomply.a | $(BUILD)/helpers
	$(CC) $(ALL_CFLAGS) -Itests/support -MMD -MP -o $@ $< $(BUILD)/libportcomply.a \
		$(ALL_LDFLAGS) $(LIBS)

# Interposers that tests load with LD_PRELOAD to simulate a hostile host.
$(BUILD)/preload/%.so: tests/preload/%.c | $(BUILD)/preload
	$(CC) $(ALL_CFLAGS) -fPIC -shared -o $@ $< -ldl

$(BUILD)/bench/%: bench/%.c $(BUILD)/libportcomply.a | $(BUILD)/bench
	$(CC) $(ALL_CFLAGS) -Itests/support -MMD -MP -o $@ $< $(BUILD)/libportcomply.a \
		$(ALL_LDFLAGS) $(LIBS)

# libFuzzer targets: build them with FUZZ=1 SANITIZE=1 CC=clang (make fuzz does).
$(BUILD)/fuzzers/%: fuzz/%.c $(BUILD)/libportcomply.a | $(BUILD)/fuzzers
	$(CC) $(ALL_CFLAGS) -Itests/support -MMD -MP -fsanitize=fuzzer -o $@ $< \
		$(BUILD)/libportcomply.a $(ALL_LDFLAGS) $(LIBS)

$(BUILD)/helpers $(BUILD)/preload $(BUILD)/bench $(BUILD)/gen \
$(BUILD)/fuzzers:
	@mkdir -p $@

# agent/LAYERS held against the includes and the core's objects, and the
# check's own self-test (it must refuse what it exists to refuse).
layers: $(AGENT_OBJS)
	@tools/check-layers.pl --objects $(BUILD)/agent
	@tests/tools/test_check_layers.sh

unit: $(UNIT_BINS)
	@tools/run-unit.sh $(UNIT_BINS)

# The same unit tests, built and run under AddressSanitizer + UndefinedBehaviorSanitizer.
unit-asan:
	@$(MAKE) --no-print-directory BUILD=build/asan SANITIZE=1 unit

# The Zabbix scenario, the longest, first: last in the list, it would run
# alone at the end while the other job slot idles.
INTEGRATION_SCENARIOS := tests/integration/t_zabbix.sh \
	$(filter-out tests/integration/t_zabbix.sh,$(sort $(wildcard tests/integration/t_*.sh)))
integration: build
	@tests/integration/run.sh -j $(JOBS) $(INTEGRATION_SCENARIOS)

fuzzers: $(FUZZ_BINS)

# What check compiles (the plain, ASan and fuzzing builds), compiled first
# and JOBS at a time; the checks themselves then run one after another.
prebuild:
	@$(MAKE) --no-print-directory host-root-background
	@$(MAKE) --no-print-directory -j$(JOBS) build $(UNIT_BINS)
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=build/asan SANITIZE=1 \
		$(UNIT_SRCS:tests/unit/%.c=build/asan/tests/%)
	@$(FUZZ_MAKE) -j$(JOBS)

# Each fuzzer for FUZZ_TIME seconds, seeded from tests/fixtures; what it
# finds is a failure. make test runs a short round (FUZZ_SMOKE_TIME).
FUZZ_MAKE = $(MAKE) --no-print-directory BUILD=build/fuzz SANITIZE=1 FUZZ=1 CC=clang fuzzers
fuzz:
	@$(FUZZ_MAKE)
	@tools/fuzz.sh $(FUZZ_TIME) $(FUZZ_SRCS:fuzz/%.c=build/fuzz/fuzzers/%)

fuzz-smoke:
	@$(FUZZ_MAKE)
	@FUZZ_QUIET=1 tools/fuzz.sh $(FUZZ_SMOKE_TIME) $(FUZZ_SRCS:fuzz/%.c=build/fuzz/fuzzers/%)

# The unit suites, plain and ASan, STRESS_ROUNDS times in a row while
# stress-ng loads STRESS_CPUS CPUs: the tests must not depend on timing.
STRESS_ROUNDS ?= 10
STRESS_CPUS ?= 4
stress:
	@$(MAKE) --no-print-directory $(UNIT_BINS)
	@$(MAKE) --no-print-directory BUILD=build/asan SANITIZE=1 \
		$(UNIT_SRCS:tests/unit/%.c=build/asan/tests/%)
	@tools/stress.sh $(STRESS_ROUNDS) $(STRESS_CPUS) $(UNIT_BINS) \
		$(UNIT_SRCS:tests/unit/%.c=build/asan/tests/%)

valgrind: $(UNIT_BINS)
	@tools/run-unit.sh --valgrind $(UNIT_BINS)

mib-lint: $(GEN_H)
	@tools/mib-lint.sh $(MIB)

# The snmp_exporter module, generated from contrib/prometheus/generator.yml
# and the MIB; 'make contrib' (part of make test) fails when it is stale.
snmp-yml:
	tools/snmp-yml.sh contrib/prometheus/snmp.yml

# snmp.yml fresh, Prometheus rules checked and unit-tested, dashboards.
contrib:
	@tests/contrib/check.sh

# 20 hosts in namespaces, scraped by a real snmp_exporter and Prometheus.
fleet: build
	@FLEET_BENCH=$(CURDIR)/$(BUILD)/fleet-scrape.txt tests/integration/run.sh tests/fleet/t_fleet.sh

# Every source file says its license (LICENSE: ISC), and the check refuses
# one that does not.
spdx-lint:
	@tools/spdx-check.sh
	@tests/tools/test_spdx_check.sh

# tools/apt-sources.sh (make deps, tests/host) on apt configurations as
# Debian writes them, one-line and deb822.
tools-test:
	@tests/tools/test_apt_sources.sh

# A real Debian 12 booted under systemd-nspawn on a private network: the
# package built in a clean bookworm root from its Build-Depends, installed
# on a host where stock snmpd ran first, then start, walk, trap, reload,
# snmpd restart, stop, purge, and make deps there. The roots are cached
# under $(BUILD)/host-root (tests/host/root.sh rebuilds one when its inputs
# change).
host:
	@PC_BUILD=$(abspath $(BUILD)) tests/host/run.sh

# The booted host's roots (tests/host/root.sh), built in the background
# while check compiles and runs the other tests: a cold cache is minutes of
# debootstrap and apt, mostly waiting. make host then waits on root.sh's
# lock and finds them fresh (or builds them itself, saying what failed).
host-root-background:
	@mkdir -p $(BUILD)
	@if [ "$$(id -u)" = 0 ] && command -v debootstrap >/dev/null; then \
		nohup tests/host/root.sh $(abspath $(BUILD))/host-root \
			>$(BUILD)/host-root-background.log 2>&1 </dev/null & \
	fi

bench: build $(BENCH_BINS)
	@bench/run.sh

# Everything portcomply needs on a host (and, outside DESTDIR, the
# tmpfiles.d entry applied at once, as the package's postinst does). The
# configuration is generated
# (its catalog points at the installed one) and never overwrites one that
# exists; the system user is created when missing (not under DESTDIR: the
# Debian package's postinst does it there).
install: $(DAEMON)
	install -D -m 0755 $(DAEMON) $(DESTDIR)$(SBINDIR)/portcomplyd
	install -D -m 0644 $(MIB) $(DESTDIR)$(MIBDIR)/PORT-COMPLIANCE-MIB.txt
	install -d $(DESTDIR)$(CATALOG_DIR)
	install -m 0644 conf/catalog/*.conf conf/catalog/README $(DESTDIR)$(CATALOG_DIR)/
	install -d $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5
	install -m 0644 man/portcomplyd.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 man/portcomply.conf.5 man/portcomply-catalog.5 $(DESTDIR)$(MANDIR)/man5/
	install -d $(DESTDIR)$(UNITDIR)
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		dist/portcomplyd.service.in >$(DESTDIR)$(UNITDIR)/portcomplyd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/portcomplyd.service
	install -D -m 0644 dist/snmpd-portcomply.conf $(DESTDIR)$(SNMPD_DROPIN_DIR)/portcomply.conf
	install -D -m 0644 dist/portcomply.tmpfiles $(DESTDIR)$(TMPFILESDIR)/portcomply.conf
	@if [ -z "$(DESTDIR)" ] && command -v systemd-tmpfiles >/dev/null; then \
		echo "systemd-tmpfiles --create $(TMPFILESDIR)/portcomply.conf"; \
		systemd-tmpfiles --create $(TMPFILESDIR)/portcomply.conf; \
	fi
	install -d $(DESTDIR)$(CONF_DIR)
	@if [ -e $(DESTDIR)$(CONF_DIR)/portcomply.conf ]; then \
		echo "keeping the existing $(DESTDIR)$(CONF_DIR)/portcomply.conf"; \
	else \
		tools/gen-conf.sh $(CATALOG_DIR) <conf/portcomply.conf >$(DESTDIR)$(CONF_DIR)/portcomply.conf.tmp && \
		chmod 0644 $(DESTDIR)$(CONF_DIR)/portcomply.conf.tmp && \
		mv $(DESTDIR)$(CONF_DIR)/portcomply.conf.tmp $(DESTDIR)$(CONF_DIR)/portcomply.conf && \
		echo "wrote $(DESTDIR)$(CONF_DIR)/portcomply.conf"; \
	fi
	@if [ -z "$(DESTDIR)" ] && ! getent passwd $(PC_USER) >/dev/null; then \
		echo "creating the system user $(PC_USER)"; \
		useradd --system --user-group --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin --comment "portcomply daemon" $(PC_USER); \
	fi

# Removes what install added. The configuration goes only if it is still
# the one install wrote (a site's edits stay, and say so); the system user
# stays, as packages leave theirs (userdel portcomply removes it).
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/portcomplyd $(DESTDIR)$(MIBDIR)/PORT-COMPLIANCE-MIB.txt
	rm -f $(addprefix $(DESTDIR)$(CATALOG_DIR)/,$(notdir $(wildcard conf/catalog/*.conf)) README)
	rmdir $(DESTDIR)$(CATALOG_DIR) $(DESTDIR)$(DATADIR)/portcomply 2>/dev/null || true
	rm -f $(DESTDIR)$(MANDIR)/man8/portcomplyd.8 $(DESTDIR)$(MANDIR)/man5/portcomply.conf.5 \
		$(DESTDIR)$(MANDIR)/man5/portcomply-catalog.5
	rm -f $(DESTDIR)$(UNITDIR)/portcomplyd.service $(DESTDIR)$(SNMPD_DROPIN_DIR)/portcomply.conf \
		$(DESTDIR)$(TMPFILESDIR)/portcomply.conf
	@conf=$(DESTDIR)$(CONF_DIR)/portcomply.conf; \
	if [ -e $$conf ]; then \
		if tools/gen-conf.sh $(CATALOG_DIR) <conf/portcomply.conf | cmp -s - $$conf; then \
			rm -f $$conf; \
		else \
			echo "keeping $$conf: it was changed since install"; \
		fi; \
	fi
	rmdir $(DESTDIR)$(CONF_DIR) 2>/dev/null || true
	@if [ -z "$(DESTDIR)" ] && getent passwd $(PC_USER) >/dev/null; then \
		echo "the system user $(PC_USER) stays (userdel $(PC_USER) removes it)"; \
	fi

# The Debian package, built from a copy of the tree so that
# dpkg-buildpackage's output (it writes to the parent directory) lands in
# $(BUILD)/deb/ and nothing is written beside the source tree.
deb:
	@tools/build-deb.sh $(BUILD)/deb

man-lint:
	@tools/man-lint.sh $(MAN_PAGES)

# Every relative link of the Markdown documentation leads to a file that
# exists (and a #fragment to a heading of it).
doc-lint:
	@tools/doc-links.sh README.md $(wildcard docs/*.md) bench/README.md

clean:
	rm -rf build

-include $(wildcard $(BUILD)/agent/*/*.d $(BUILD)/tests/*/*.d $(BUILD)/fuzzers/*.d $(BUILD)/bench/*.d \
	$(BUILD)/helpers/*.d)
