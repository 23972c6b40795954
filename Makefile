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
# Integration scenarios run this many at a time, each in its own network namespace.
JOBS ?= 2

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wno-format-nonliteral
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Iagent -I$(BUILD)/gen -pthread
ALL_LDFLAGS := $(LDFLAGS) -pthread
ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ALL_LDFLAGS += -fsanitize=address,undefined
endif
LIBS := -lnetsnmpagent -lnetsnmp -lconfuse -lmnl

# The agent is a library of modules plus main.c, so that every module's unit
# test links against exactly the code the daemon runs.
AGENT_SRCS := $(filter-out agent/main.c,$(wildcard agent/*.c))
AGENT_OBJS := $(AGENT_SRCS:agent/%.c=$(BUILD)/agent/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(BUILD)/helpers/%)
PRELOAD_SRCS := $(wildcard tests/preload/*.c)
PRELOAD_LIBS := $(PRELOAD_SRCS:tests/preload/%.c=$(BUILD)/preload/%.so)
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)
DAEMON := $(BUILD)/portcomplyd
MIB := mibs/PORT-COMPLIANCE-MIB.txt
MIB_ROOT_H := $(BUILD)/gen/mib_root.h
MIB_OIDS_H := $(BUILD)/gen/mib_oids.h
MIB_META_H := $(BUILD)/gen/mib_meta.h
GEN_H := $(MIB_ROOT_H) $(MIB_OIDS_H) $(MIB_META_H)

.PHONY: all deps build run test check unit unit-asan integration valgrind mib-lint \
	bench clean install snmp-yml contrib fleet
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

check: build mib-lint contrib unit integration fleet unit-asan valgrind
	@echo "make test: all passed"

$(DAEMON): $(BUILD)/agent/main.o $(BUILD)/libportcomply.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libportcomply.a: $(AGENT_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The generated headers are order-only: the .d files make their real users
# depend on them.
$(BUILD)/agent/%.o: agent/%.c | $(GEN_H) $(BUILD)/agent
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

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libportcomply.a | $(GEN_H) $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -Itests/unit -MMD -MP -o $@ $< $(BUILD)/libportcomply.a \
		$(ALL_LDFLAGS) $(LIBS) -lcmocka

$(BUILD)/helpers/%: tests/helpers/%.c $(BUILD)/libportcomply.a | $(BUILD)/helpers
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libportcomply.a $(ALL_LDFLAGS) $(LIBS)

# Interposers that tests load with LD_PRELOAD to simulate a hostile host.
$(BUILD)/preload/%.so: tests/preload/%.c | $(BUILD)/preload
	$(CC) $(ALL_CFLAGS) -fPIC -shared -o $@ $< -ldl

$(BUILD)/bench/%: bench/%.c $(BUILD)/libportcomply.a | $(BUILD)/bench
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libportcomply.a $(ALL_LDFLAGS) $(LIBS)

$(BUILD)/agent $(BUILD)/tests $(BUILD)/helpers $(BUILD)/preload $(BUILD)/bench $(BUILD)/gen:
	@mkdir -p $@

unit: $(UNIT_BINS)
	@tools/run-unit.sh $(UNIT_BINS)

# The same unit tests, built and run under AddressSanitizer + UndefinedBehaviorSanitizer.
unit-asan:
	@$(MAKE) --no-print-directory BUILD=build/asan SANITIZE=1 unit

integration: build
	@tests/integration/run.sh -j $(JOBS)

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

bench: build $(BENCH_BINS)
	@bench/run.sh

PREFIX ?= /usr/local
install: $(DAEMON)
	install -D -m 0755 $(DAEMON) $(DESTDIR)$(PREFIX)/sbin/portcomplyd
	install -D -m 0644 $(MIB) $(DESTDIR)/usr/share/snmp/mibs/PORT-COMPLIANCE-MIB.txt
	install -d $(DESTDIR)/usr/share/portcomply/catalog
	install -m 0644 conf/catalog/*.conf $(DESTDIR)/usr/share/portcomply/catalog/

clean:
	rm -rf build

-include $(wildcard $(BUILD)/agent/*.d $(BUILD)/tests/*.d)
