# spotagent build. `make deps` once on a fresh Debian 12 machine, then
# `make`, `make test`, `make demo`, `make bench`.

BUILD ?= build
CC ?= cc
PKGS := ncursesw formw menuw sqlite3 libusb-1.0 jansson inih

# libcurl on mbedTLS: the system's when it has one, else the static build
# that `make deps` leaves in build/curl.
CURL_SYSTEM := $(shell pkg-config --static --libs libcurl 2>/dev/null | \
	grep -q mbedtls && echo yes)
ifeq ($(CURL_SYSTEM),yes)
CURL_CFLAGS := $(shell pkg-config --cflags libcurl)
CURL_LIBS := $(shell pkg-config --libs libcurl)
else
CURL_CFLAGS := -I$(BUILD)/curl/include -DCURL_STATICLIB
CURL_LIBS := $(BUILD)/curl/lib/libcurl.a -lmbedtls -lmbedx509 \
	-lmbedcrypto -lz
endif

WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wvla
ifeq ($(CI),true)
WARN += -Werror
endif
HARDEN := -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE $(WARN) $(HARDEN) $(CFLAGS) \
	$(shell pkg-config --cflags $(PKGS)) $(CURL_CFLAGS) -MMD -MP
ALL_LDFLAGS := -pie -Wl,-z,relro -Wl,-z,now $(LDFLAGS)
LIBS := $(CURL_LIBS) $(shell pkg-config --libs $(PKGS)) -lmbedtls \
	-lmbedx509 -lmbedcrypto -lpthread

APP_SRC := $(filter-out app/main.c,$(wildcard app/*.c))
CORE_SRC := $(APP_SRC) $(wildcard offline/*.c) $(wildcard drivers/*.c)
UI_SRC := $(wildcard ui/*.c)
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
UI_OBJ := $(UI_SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/app/main.o

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
INTEGRATION_SRC := $(wildcard tests/integration/test_*.c)
INTEGRATION_BIN := $(INTEGRATION_SRC:tests/integration/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(filter-out tests/bench/bench_util.c, \
	$(wildcard tests/bench/bench_*.c))
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/tests/%)
TEST_LIBS := $(shell pkg-config --libs cmocka)

# Code shared by the tests (the ESC/POS decoder), linked into unit and USB
# tests.
SUPPORT_SRC := $(wildcard tests/support/*.c)
SUPPORT_OBJ := $(SUPPORT_SRC:%.c=$(BUILD)/obj/%.o)

# USB tests run the real libusb code against devices emulated by umockdev.
# Only these binaries link the preload library, never the product.
USB_SRC := $(wildcard tests/usb/test_*.c)
USB_BIN := $(USB_SRC:tests/usb/%.c=$(BUILD)/tests/%)
USB_MOCK_SRC := $(filter-out $(USB_SRC),$(wildcard tests/usb/*.c))
USB_MOCK_OBJ := $(USB_MOCK_SRC:%.c=$(BUILD)/obj/%.o)
UMOCKDEV_CFLAGS := $(shell pkg-config --cflags umockdev-1.0 2>/dev/null)
UMOCKDEV_LIBS := -Wl,--push-state,--no-as-needed -lumockdev-preload \
	-Wl,--pop-state $(shell pkg-config --libs umockdev-1.0 2>/dev/null)

# Fuzz targets for the parsers of card data. `make test` runs each
# briefly through tests/fuzz/fuzz_main.c; `make fuzz` runs them under
# libFuzzer (clang) for FUZZ_SECONDS each. Both builds use AddressSanitizer
# and UndefinedBehaviorSanitizer and compile only the parsers' sources.
FUZZ_SRC := $(filter-out tests/fuzz/fuzz_main.c tests/fuzz/fuzz_support.c, \
	$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_PARSERS := drivers/tlv.c drivers/card.c drivers/utf8.c \
	drivers/ccid.c drivers/ccid_atr.c drivers/magstripe.c \
	drivers/magstripe_layout.c drivers/iso7816.c drivers/emv.c \
	drivers/emv_pdol.c drivers/emv_read.c app/log.c
FUZZ_FLAGS := -std=c17 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all $(WARN)
FUZZ_SECONDS ?= 60

.PHONY: all deps test demo bench certs install clean fuzz
.SECONDARY:

all: $(BUILD)/spotagent

deps:
	bash .ci/deps.sh

$(BUILD)/spotagent: $(MAIN_OBJ) $(CORE_OBJ) $(UI_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Each unit test links the shared journal fixture; its name does not
# start with test_, so UNIT_SRC leaves it out.
UNIT_FIXTURE_OBJ := $(BUILD)/obj/tests/unit/journal_fixture.o

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(UNIT_FIXTURE_OBJ) \
		$(SUPPORT_OBJ) $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

# The swipe guard's classifier lives in ui/ but calls no curses, so its
# unit test links it alone.
$(BUILD)/tests/test_swipe_guard: $(BUILD)/obj/ui/swipe_guard.o

$(BUILD)/obj/tests/usb/%.o: tests/usb/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(UMOCKDEV_CFLAGS) -c -o $@ $<

$(BUILD)/tests/test_usb_%: $(BUILD)/obj/tests/usb/test_usb_%.o \
		$(USB_MOCK_OBJ) $(SUPPORT_OBJ) $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(UMOCKDEV_LIBS) $(LIBS) $(TEST_LIBS)

$(BUILD)/tests/test_integration_%: \
		$(BUILD)/obj/tests/integration/test_integration_%.o \
		$(BUILD)/obj/tests/integration/sandbox_process.o \
		$(BUILD)/obj/tests/integration/app_fixture.o $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

$(BUILD)/tests/bench_%: $(BUILD)/obj/tests/bench/bench_%.o \
		$(BUILD)/obj/tests/bench/bench_util.o $(SUPPORT_OBJ) $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

certs: $(BUILD)/certs/ca.pem

$(BUILD)/certs/ca.pem: tests/sandbox/make-certs.sh
	bash tests/sandbox/make-certs.sh $(BUILD)/certs
	touch $@

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_main.c \
		tests/fuzz/fuzz_support.c tests/fuzz/fuzz.h $(FUZZ_PARSERS)
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_FLAGS) -o $@ $(filter %.c,$^) -lmbedcrypto -lpthread

$(BUILD)/libfuzzer/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_support.c \
		tests/fuzz/fuzz.h $(FUZZ_PARSERS)
	@command -v clang >/dev/null || \
		{ echo "make fuzz needs clang: apt-get install clang"; exit 1; }
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $(filter %.c,$^) \
		-lmbedcrypto -lpthread

fuzz: $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/libfuzzer/%)
	bash tests/fuzz/run_libfuzzer.sh $(BUILD) $(FUZZ_SECONDS)

test: all certs $(UNIT_BIN) $(INTEGRATION_BIN) $(USB_BIN) $(FUZZ_BIN)
	bash tests/run.sh

demo: all certs
	bash tests/sandbox/demo.sh

bench: all certs $(BENCH_BIN)
	bash tests/bench/run.sh

PREFIX ?= /usr/local
install: all
	install -D -m 755 $(BUILD)/spotagent $(DESTDIR)$(PREFIX)/bin/spotagent
	install -D -m 644 docs/spotagent.1 \
		$(DESTDIR)$(PREFIX)/share/man/man1/spotagent.1
	install -D -m 644 drivers/60-spotagent.rules \
		$(DESTDIR)/etc/udev/rules.d/60-spotagent.rules

clean:
	rm -rf $(BUILD)/obj $(BUILD)/tests $(BUILD)/spotagent $(BUILD)/certs \
		$(BUILD)/demo $(BUILD)/test-runs $(BUILD)/fuzz $(BUILD)/libfuzzer

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
