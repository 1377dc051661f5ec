/* Configuration: a table of settings read from an INI file with inih,
 * each checked for presence and range before start-up goes on. */
#define LOG_MODULE "config"
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "card_worker.h"
#include "currency.h"
#include "log.h"
#include "../drivers/escpos_profile.h"
#include "../offline/journal.h"
#include "../offline/transport.h"

enum setting_kind {
	SETTING_TEXT,   /* copied as is */
	SETTING_PATH,   /* resolved against the file's folder */
	SETTING_NUMBER, /* decimal integer within [min, max] */
	SETTING_LEVEL,  /* log level name */
	SETTING_TARGET, /* "syslog", "stderr", or a path */
	SETTING_DEVICE, /* "none", "file:PATH", "tcp:HOST[:PORT]", "usb"
			   or "usb:VVVV:PPPP" */
	SETTING_CHOICE, /* one of choices, stored as its index */
	SETTING_PAPER,  /* "58" or "80" (mm), stored as 32 or 48 columns */
};

struct setting {
	const char *section;
	const char *name;
	enum setting_kind kind;
	size_t offset;
	size_t size;         /* buffer size for text and paths */
	bool required;
	const char *fallback; /* default for optional settings */
	long min;
	long max;
	const char *const *choices; /* NULL-terminated, for SETTING_CHOICE */
};

#define TEXT(sec, key, field, req, def)                                  \
	{ .section = sec, .name = key, .kind = SETTING_TEXT,              \
	  .offset = offsetof(struct config, field),                       \
	  .size = sizeof(((struct config *)0)->field), .required = req,   \
	  .fallback = def }
#define PATH(sec, key, field, req, def)                                  \
	{ .section = sec, .name = key, .kind = SETTING_PATH,              \
	  .offset = offsetof(struct config, field),                       \
	  .size = sizeof(((struct config *)0)->field), .required = req,   \
	  .fallback = def }
#define NUMBER(sec, key, field, def, lo, hi)                             \
	{ .section = sec, .name = key, .kind = SETTING_NUMBER,            \
	  .offset = offsetof(struct config, field), .fallback = def,      \
	  .min = lo, .max = hi }
#define CHOICE(sec, key, field, def, list)                               \
	{ .section = sec, .name = key, .kind = SETTING_CHOICE,            \
	  .offset = offsetof(struct config, field), .fallback = def,      \
	  .choices = list }

/* Indexed by enum config_drawer. */
static const char *const drawer_choices[] = { "none", "pin2", "pin5", NULL };
static const char *const yes_no_choices[] = { "no", "yes", NULL };
/* Indexed by enum config_card_reader. */
static const char *const card_reader_choices[] = { "auto", "none", NULL };

static const struct setting settings[] = {
	TEXT("central", "url", url, true, NULL),
	PATH("central", "ca_file", ca_file, true, NULL),
	PATH("central", "cert_file", cert_file, true, NULL),
	PATH("central", "key_file", key_file, true, NULL),
	TEXT("central", "pin", pin, false, ""),
	NUMBER("central", "connect_timeout", connect_timeout, "10", 1, 120),
	NUMBER("central", "request_timeout", request_timeout, "30", 1, 600),
	TEXT("terminal", "id", terminal_id, true, NULL),
	TEXT("terminal", "currency", currency, true, NULL),
	NUMBER("terminal", "lock_minutes", lock_minutes, "5", 1, 15),
	NUMBER("terminal", "offline_login_hours", offline_login_hours, "72",
	       1, 720),
	PATH("journal", "path", journal_path, true, NULL),
	PATH("journal", "key_file", journal_key_file, false, ""),
	{ .section = "printer", .name = "device", .kind = SETTING_DEVICE,
	  .offset = offsetof(struct config, printer),
	  .size = sizeof(((struct config *)0)->printer), .fallback = "none" },
	{ .section = "printer", .name = "paper", .kind = SETTING_PAPER,
	  .offset = offsetof(struct config, paper_columns), .fallback = "80" },
	TEXT("printer", "profile", printer_profile, false, "auto"),
	CHOICE("printer", "drawer", drawer, "none", drawer_choices),
	NUMBER("printer", "drawer_on_ms", drawer_on_ms, "100", 2, 510),
	NUMBER("printer", "drawer_off_ms", drawer_off_ms, "200", 2, 510),
	CHOICE("printer", "qr", qr, "yes", yes_no_choices),
	CHOICE("printer", "barcode", barcode, "no", yes_no_choices),
	TEXT("printer", "verify_url", verify_url, false, ""),
	{ .section = "log", .name = "file", .kind = SETTING_TARGET,
	  .offset = offsetof(struct config, log_target),
	  .size = sizeof(((struct config *)0)->log_target),
	  .fallback = "syslog" },
	{ .section = "log", .name = "level", .kind = SETTING_LEVEL,
	  .offset = offsetof(struct config, log_level), .fallback = "info" },
	NUMBER("sync", "retry_min_seconds", retry_min, "2", 1, 3600),
	NUMBER("sync", "retry_max_seconds", retry_max, "300", 1, 86400),
	NUMBER("sync", "idle_check_seconds", idle_check, "30", 1, 3600),
	NUMBER("sync", "batch_size", batch_size, "100", 1, 1000),
	NUMBER("sync", "policy_refresh_seconds", policy_refresh, "900", 10,
	       86400),

	/* The [card] section; the timeout's default is
	 * CARD_WORKER_WAIT_SECONDS, checked below. */
	CHOICE("card", "reader", card_reader, "auto", card_reader_choices),
	TEXT("card", "hid", card_hid, false, "none"),
	NUMBER("card", "timeout", card_timeout, "30", 5, 120),
};

_Static_assert(CARD_WORKER_WAIT_SECONDS == 30,
	       "the [card] timeout default must match "
	       "CARD_WORKER_WAIT_SECONDS");

#define SETTING_COUNT (sizeof(settings) / sizeof(settings[0]))

struct load_state {
	struct config *config;
	const char *path;
	char folder[PATH_MAX];
	bool seen[SETTING_COUNT];
	char *error;
	size_t error_size;
	bool failed;
};

/* Whether value names a file that should be resolved against the
 * configuration file's folder, and where in value the path starts. */
static bool find_relative_path(const struct setting *s, const char *value,
			       size_t *start)
{
	*start = 0;
	switch (s->kind) {
	case SETTING_PATH:
		break;
	case SETTING_TARGET:
		if (strcmp(value, "syslog") == 0 ||
		    strcmp(value, "stderr") == 0)
			return false;
		break;
	case SETTING_DEVICE:
		if (strncmp(value, "file:", 5) != 0)
			return false;
		*start = 5;
		break;
	default:
		return false;
	}
	return value[*start] != '/' && value[*start] != '\0';
}

static int store_text(struct load_state *state, const struct setting *s,
		      const char *value)
{
	char *field = (char *)state->config + s->offset;
	size_t start;
	int written;

	if (find_relative_path(s, value, &start))
		written = snprintf(field, s->size, "%.*s%s/%s", (int)start,
				   value, state->folder, value + start);
	else
		written = snprintf(field, s->size, "%s", value);
	if (written < 0 || (size_t)written >= s->size) {
		snprintf(state->error, state->error_size,
			 "%s: [%s] %s is longer than %zu characters",
			 state->path, s->section, s->name, s->size - 1);
		return -1;
	}
	return 0;
}

static int store_number(struct load_state *state, const struct setting *s,
			const char *value)
{
	char *end = NULL;
	long number;

	errno = 0;
	number = strtol(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' || number < s->min ||
	    number > s->max) {
		snprintf(state->error, state->error_size,
			 "%s: [%s] %s must be a whole number from %ld to %ld, "
			 "not \"%s\"",
			 state->path, s->section, s->name, s->min, s->max,
			 value);
		return -1;
	}
	*(int *)((char *)state->config + s->offset) = (int)number;
	return 0;
}

static int store_choice(struct load_state *state, const struct setting *s,
			const char *value)
{
	char list[128] = "";
	size_t used = 0;

	for (int i = 0; s->choices[i] != NULL; i++) {
		if (strcmp(s->choices[i], value) == 0) {
			*(int *)((char *)state->config + s->offset) = i;
			return 0;
		}
	}
	for (int i = 0; s->choices[i] != NULL && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used,
					 "%s%s", i == 0 ? "" : ", ",
					 s->choices[i]);
	snprintf(state->error, state->error_size,
		 "%s: [%s] %s must be one of %s, not \"%s\"", state->path,
		 s->section, s->name, list, value);
	return -1;
}

/* Paper widths in mm and the columns of font A that each prints. */
static const struct {
	const char *mm;
	int columns;
} paper_widths[] = {
	{ "58", 32 },
	{ "80", 48 },
};

static int store_paper(struct load_state *state, const struct setting *s,
		       const char *value)
{
	for (size_t i = 0; i < sizeof(paper_widths) / sizeof(paper_widths[0]);
	     i++) {
		if (strcmp(paper_widths[i].mm, value) == 0) {
			*(int *)((char *)state->config + s->offset) =
				paper_widths[i].columns;
			return 0;
		}
	}
	snprintf(state->error, state->error_size,
		 "%s: [%s] %s must be 58 or 80 (mm), not \"%s\"", state->path,
		 s->section, s->name, value);
	return -1;
}

static int store_setting(struct load_state *state, const struct setting *s,
			 const char *value)
{
	int level;

	switch (s->kind) {
	case SETTING_TEXT:
	case SETTING_PATH:
	case SETTING_TARGET:
	case SETTING_DEVICE:
		return store_text(state, s, value);
	case SETTING_NUMBER:
		return store_number(state, s, value);
	case SETTING_CHOICE:
		return store_choice(state, s, value);
	case SETTING_PAPER:
		return store_paper(state, s, value);
	case SETTING_LEVEL:
		level = log_level_parse(value);
		if (level < 0) {
			snprintf(state->error, state->error_size,
				 "%s: [log] level must be error, warn, info "
				 "or debug, not \"%s\"",
				 state->path, value);
			return -1;
		}
		*(int *)((char *)state->config + s->offset) = level;
		return 0;
	}
	return -1;
}

/* inih callback: returns 0 to stop parsing on the first bad setting. */
static int handle_entry(void *user, const char *section, const char *name,
			const char *value)
{
	struct load_state *state = user;

	if (state->failed)
		return 0;
	for (size_t i = 0; i < SETTING_COUNT; i++) {
		if (strcmp(settings[i].section, section) != 0 ||
		    strcmp(settings[i].name, name) != 0)
			continue;
		state->seen[i] = true;
		if (store_setting(state, &settings[i], value) != 0) {
			state->failed = true;
			return 0;
		}
		return 1;
	}
	if (section[0] == '\0')
		snprintf(state->error, state->error_size,
			 "%s: setting %s comes before any [section]",
			 state->path, name);
	else
		snprintf(state->error, state->error_size,
			 "%s: unknown setting [%s] %s", state->path, section,
			 name);
	state->failed = true;
	return 0;
}

static int apply_defaults(struct load_state *state)
{
	for (size_t i = 0; i < SETTING_COUNT; i++) {
		const struct setting *s = &settings[i];

		if (state->seen[i])
			continue;
		if (s->required) {
			snprintf(state->error, state->error_size,
				 "%s: missing setting [%s] %s", state->path,
				 s->section, s->name);
			return -1;
		}
		if (store_setting(state, s, s->fallback) != 0)
			return -1;
	}
	return 0;
}

/* Check that the TLS files are readable PEM of the right kind, so that a
 * wrong path stops start-up instead of every later connection. */
static int check_files(struct load_state *state)
{
	const struct config *c = state->config;
	const struct {
		const char *name;
		const char *path;
		enum transport_file kind;
	} files[] = {
		{ "ca_file", c->ca_file, TRANSPORT_FILE_CERTIFICATE },
		{ "cert_file", c->cert_file, TRANSPORT_FILE_CERTIFICATE },
		{ "key_file", c->key_file, TRANSPORT_FILE_KEY },
	};
	char reason[128];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (transport_check_file(files[i].path, files[i].kind, reason,
					 sizeof(reason)) != 0) {
			snprintf(state->error, state->error_size,
				 "%s: [central] %s %s: %s", state->path,
				 files[i].name, files[i].path, reason);
			return -1;
		}
	}
	return 0;
}

/* Whether device is "usb:VVVV:PPPP" with four hexadecimal digits each,
 * optionally followed by ":SERIAL" of 1 to 63 printable ASCII characters
 * without spaces (the rule of drivers/printer_usb.c). */
static bool is_usb_id(const char *device)
{
	static const char pattern[] = "usb:hhhh:hhhh";
	size_t length = sizeof(pattern) - 1;
	const char *serial = device + length + 1;

	if (strlen(device) < length)
		return false;
	for (size_t i = 0; i < length; i++) {
		if (pattern[i] == 'h' ? !isxdigit((unsigned char)device[i])
				      : device[i] != pattern[i])
			return false;
	}
	if (device[length] == '\0')
		return true;
	if (device[length] != ':' || serial[0] == '\0' ||
	    strlen(serial) > 63)
		return false;
	for (; *serial != '\0'; serial++) {
		if (!isgraph((unsigned char)*serial))
			return false;
	}
	return true;
}

/* Whether device is "tcp:HOST" or "tcp:HOST:PORT" with a port from 1
 * to 65535 and a host without spaces or a scheme. */
static bool is_tcp_device(const char *device)
{
	const char *host = device + 4;
	const char *colon = strrchr(host, ':');
	char *end = NULL;
	long port;

	if (strncmp(device, "tcp:", 4) != 0 || host[0] == '\0' ||
	    host[0] == ':' || strpbrk(host, " /@\t") != NULL)
		return false;
	if (colon == NULL)
		return true;
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	return errno == 0 && end != colon + 1 && *end == '\0' && port >= 1 &&
	       port <= 65535;
}

/* Check the syntax of [printer] device. */
static int check_device(struct load_state *state)
{
	const char *device = state->config->printer;

	if (strcmp(device, "none") == 0 || strcmp(device, "usb") == 0 ||
	    (strncmp(device, "file:", 5) == 0 && device[5] != '\0') ||
	    is_usb_id(device) || is_tcp_device(device))
		return 0;
	snprintf(state->error, state->error_size,
		 "%s: [printer] device must be none, file:PATH, "
		 "tcp:HOST[:PORT], usb or usb:VVVV:PPPP[:SERIAL] "
		 "(hexadecimal vendor and product), not \"%s\"",
		 state->path, device);
	return -1;
}

/* Whether the file gives [section] name. */
static bool is_seen(const struct load_state *state, const char *section,
		    const char *name)
{
	for (size_t i = 0; i < SETTING_COUNT; i++) {
		if (strcmp(settings[i].section, section) == 0 &&
		    strcmp(settings[i].name, name) == 0)
			return state->seen[i];
	}
	return false;
}

/* The paper width in mm that prints columns, or "?" for none. */
static const char *paper_mm(int columns)
{
	for (size_t i = 0; i < sizeof(paper_widths) / sizeof(paper_widths[0]);
	     i++) {
		if (paper_widths[i].columns == columns)
			return paper_widths[i].mm;
	}
	return "?";
}

/* Profile names joined by ", " for the message of an unknown profile. */
struct name_list {
	char text[320];
	size_t used;
};

static void add_profile_name(void *data,
			     const struct escpos_profile *profile)
{
	struct name_list *list = data;
	int written;

	/* A list cut short by snprintf leaves used past the end. */
	if (list->used >= sizeof(list->text))
		return;
	written = snprintf(list->text + list->used,
			   sizeof(list->text) - list->used, "%s%s",
			   list->used == 0 ? "" : ", ", profile->name);
	if (written > 0)
		list->used += (size_t)written;
}

/* Check a [printer] profile other than auto against the profile table,
 * the paper width and the drawer. A profile set without a paper width
 * sets the width, so the screen's preview matches what prints. */
static int check_profile(struct load_state *state)
{
	struct config *c = state->config;
	const struct escpos_profile *profile;
	struct name_list names = { .used = 0 };

	if (strcmp(c->printer_profile, "auto") == 0)
		return 0;
	profile = escpos_profile_find(c->printer_profile);
	if (profile == NULL) {
		escpos_profile_each(add_profile_name, &names);
		snprintf(state->error, state->error_size,
			 "%s: [printer] profile \"%s\" is not known; use auto "
			 "or one of: %s",
			 state->path, c->printer_profile, names.text);
		return -1;
	}

	if (!is_seen(state, "printer", "paper")) {
		c->paper_columns = profile->columns;
	} else if (c->paper_columns != profile->columns) {
		snprintf(state->error, state->error_size,
			 "%s: [printer] profile \"%s\" is for %s mm paper, "
			 "but [printer] paper is %s; set paper = %s or "
			 "another profile",
			 state->path, profile->name,
			 paper_mm(profile->columns),
			 paper_mm(c->paper_columns),
			 paper_mm(profile->columns));
		return -1;
	}

	if (c->drawer != CONFIG_DRAWER_NONE && !profile->drawer) {
		snprintf(state->error, state->error_size,
			 "%s: [printer] drawer = %s needs a drawer port, but "
			 "[printer] profile \"%s\" has none; set drawer = "
			 "none or another profile",
			 state->path, drawer_choices[c->drawer],
			 profile->name);
		return -1;
	}
	return 0;
}

/* Check [printer] verify_url: empty, or an http:// or https:// URL with
 * a host, and nothing in it that would break the QR code's text. */
static int check_verify_url(struct load_state *state)
{
	const char *url = state->config->verify_url;
	const char *host = NULL;
	size_t host_length;

	if (url[0] == '\0')
		return 0;
	for (size_t i = 0; url[i] != '\0'; i++) {
		unsigned char byte = (unsigned char)url[i];

		if (byte < 0x20 || byte == 0x7F) {
			snprintf(state->error, state->error_size,
				 "%s: [printer] verify_url contains the "
				 "control character 0x%02X at byte %zu; "
				 "remove it",
				 state->path, byte, i + 1);
			return -1;
		}
	}

	if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	if (host == NULL || strpbrk(url, " \"<>") != NULL) {
		snprintf(state->error, state->error_size,
			 "%s: [printer] verify_url must be an http:// or "
			 "https:// URL without spaces, not \"%s\"",
			 state->path, url);
		return -1;
	}

	/* The host ends at the path, query or fragment; a port alone
	 * (https://:8443/) is no host either. */
	host_length = strcspn(host, "/?#");
	if (host_length == 0 || host[0] == ':') {
		snprintf(state->error, state->error_size,
			 "%s: [printer] verify_url has no host; write "
			 "https://HOST/PATH, not \"%s\"",
			 state->path, url);
		return -1;
	}
	return 0;
}

/* Check [card] hid: none, auto, or a vendor:product id of four
 * hexadecimal digits each. */
static int check_card_hid(struct load_state *state)
{
	const char *hid = state->config->card_hid;
	static const char pattern[] = "hhhh:hhhh";
	bool id = strlen(hid) == sizeof(pattern) - 1;

	if (strcmp(hid, "none") == 0 || strcmp(hid, "auto") == 0)
		return 0;
	for (size_t i = 0; id && i < sizeof(pattern) - 1; i++) {
		if (pattern[i] == 'h' ? !isxdigit((unsigned char)hid[i])
				      : hid[i] != pattern[i])
			id = false;
	}
	/* USB reserves vendor id 0, and no HID reader uses it. */
	if (id && strncmp(hid, "0000", 4) == 0) {
		snprintf(state->error, state->error_size,
			 "%s: [card] hid has vendor id 0000, which no USB "
			 "device has. Write the reader's id as lsusb shows "
			 "it, not \"%s\"",
			 state->path, hid);
		return -1;
	}
	if (id)
		return 0;
	snprintf(state->error, state->error_size,
		 "%s: [card] hid must be none, auto or VVVV:PPPP "
		 "(hexadecimal vendor and product of a HID card reader), "
		 "not \"%s\"",
		 state->path, hid);
	return -1;
}

/* Checks that need more than one setting or a closer look. */
/* Write into out (PATH_MAX bytes) path with its folder resolved by
 * realpath, so that "a/../j.db" and a symbolic link to the folder give
 * the same text. The file itself need not exist. Returns false when the
 * folder cannot be resolved (it does not exist, or is not searchable),
 * with errno set. */
static bool resolve_folder(const char *path, char *out)
{
	char folder_copy[PATH_MAX];
	char name_copy[PATH_MAX];
	char folder[PATH_MAX];
	const char *name;
	int written;

	snprintf(folder_copy, sizeof(folder_copy), "%s", path);
	snprintf(name_copy, sizeof(name_copy), "%s", path);
	name = basename(name_copy);
	if (realpath(dirname(folder_copy), folder) == NULL)
		return false;
	written = snprintf(out, PATH_MAX, "%s/%s",
			   strcmp(folder, "/") == 0 ? "" : folder, name);
	if (written < 0 || written >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return false;
	}
	return true;
}

/* Whether key (resolved) is the journal at journal (resolved) or its
 * -wal or -shm file. */
static bool is_journal_file(const char *key, const char *journal)
{
	size_t length = strlen(journal);

	return strncmp(key, journal, length) == 0 &&
	       (key[length] == '\0' || strcmp(key + length, "-wal") == 0 ||
		strcmp(key + length, "-shm") == 0);
}

/* Check a [journal] key_file that the file sets: not empty, in a folder
 * that exists, so that the first secret does not fail long after
 * start. */
static int check_key_file_given(struct load_state *state)
{
	struct config *c = state->config;
	char resolved[PATH_MAX];
	char folder[PATH_MAX];

	if (c->journal_key_file[0] == '\0') {
		snprintf(state->error, state->error_size,
			 "%s: [journal] key_file is empty; name the key file, "
			 "or remove the line to use %s.key",
			 state->path, c->journal_path);
		return -1;
	}
	if (!resolve_folder(c->journal_key_file, resolved)) {
		snprintf(folder, sizeof(folder), "%s", c->journal_key_file);
		snprintf(state->error, state->error_size,
			 "%s: [journal] key_file %s: folder %s cannot be "
			 "used: %s; create it or correct key_file",
			 state->path, c->journal_key_file, dirname(folder),
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* Default [journal] key_file to the journal path plus ".key", and keep
 * it apart from the journal's own files, compared with their folders
 * resolved, or as written when the journal's folder does not exist
 * yet. */
static int check_key_file(struct load_state *state)
{
	struct config *c = state->config;
	char key[PATH_MAX];
	char journal[PATH_MAX];
	int written;

	if (is_seen(state, "journal", "key_file") &&
	    check_key_file_given(state) != 0)
		return -1;
	if (c->journal_key_file[0] == '\0') {
		written = snprintf(c->journal_key_file,
				   sizeof(c->journal_key_file), "%s.key",
				   c->journal_path);
		if (written < 0 ||
		    (size_t)written >= sizeof(c->journal_key_file)) {
			snprintf(state->error, state->error_size,
				 "%s: [journal] path is too long to add .key "
				 "for the default key_file; set [journal] "
				 "key_file",
				 state->path);
			return -1;
		}
	}
	if (!resolve_folder(c->journal_key_file, key) ||
	    !resolve_folder(c->journal_path, journal)) {
		snprintf(key, sizeof(key), "%s", c->journal_key_file);
		snprintf(journal, sizeof(journal), "%s", c->journal_path);
	}
	if (is_journal_file(key, journal)) {
		snprintf(state->error, state->error_size,
			 "%s: [journal] key_file must not be the journal or "
			 "its -wal or -shm file",
			 state->path);
		return -1;
	}
	return 0;
}

static int check_values(struct load_state *state)
{
	struct config *c = state->config;

	if (strncmp(c->url, "https://", 8) != 0 || c->url[8] == '\0' ||
	    strpbrk(c->url + 8, "/?#@ ") != NULL) {
		snprintf(state->error, state->error_size,
			 "%s: [central] url must be https://HOST or "
			 "https://HOST:PORT with no path, not \"%s\"",
			 state->path, c->url);
		return -1;
	}
	if (c->pin[0] != '\0' && strncmp(c->pin, "sha256//", 8) != 0) {
		snprintf(state->error, state->error_size,
			 "%s: [central] pin must start with sha256// "
			 "(a base64 SHA-256 of the server's public key)",
			 state->path);
		return -1;
	}
	if (check_files(state) != 0 || check_key_file(state) != 0)
		return -1;
	if (currency_find(c->currency) == NULL) {
		snprintf(state->error, state->error_size,
			 "%s: [terminal] currency \"%s\" is not an ISO 4217 "
			 "code",
			 state->path, c->currency);
		return -1;
	}
	if (c->terminal_id[0] == '\0') {
		snprintf(state->error, state->error_size,
			 "%s: [terminal] id is empty", state->path);
		return -1;
	}
	if (check_device(state) != 0 || check_profile(state) != 0 ||
	    check_verify_url(state) != 0)
		return -1;
	if (check_card_hid(state) != 0)
		return -1;
	if (c->retry_min > c->retry_max) {
		snprintf(state->error, state->error_size,
			 "%s: [sync] retry_min_seconds is above "
			 "retry_max_seconds",
			 state->path);
		return -1;
	}
	return 0;
}

int config_load(const char *path, struct config *out, char *error,
		size_t error_size)
{
	struct load_state state = {
		.path = path,
		.error = error,
		.error_size = error_size,
	};
	struct config parsed = { 0 };
	char copy[PATH_MAX];
	const char *folder;
	struct stat st = { 0 };
	int line;

	state.config = &parsed;
	snprintf(copy, sizeof(copy), "%s", path);
	folder = dirname(copy);
	/* Relative paths resolve against the file's folder made absolute,
	 * so they keep pointing there whatever the current folder is. A
	 * folder that cannot be resolved fails at stat below. */
	if (realpath(folder, state.folder) == NULL)
		snprintf(state.folder, sizeof(state.folder), "%s", folder);

	errno = 0;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(error, error_size,
			 "%s: %s; give the configuration file with --config "
			 "FILE",
			 path,
			 errno == 0 || S_ISDIR(st.st_mode) ? "not a file"
							   : strerror(errno));
		return -1;
	}
	line = ini_parse(path, handle_entry, &state);
	if (line == -1) {
		snprintf(error, error_size, "%s: cannot open: %s", path,
			 strerror(errno));
		return -1;
	}
	if (state.failed)
		return -1;
	if (line != 0) {
		snprintf(error, error_size,
			 "%s: line %d is not valid INI (expected name = value, "
			 "[section] or a ; comment, at most %d characters)",
			 path, line, INI_MAX_LINE - 1);
		return -1;
	}
	if (apply_defaults(&state) != 0 || check_values(&state) != 0)
		return -1;
	/* Every process and subcommand loads its configuration here, so
	 * each of its journal_open calls then finds the key file. */
	if (journal_set_key_file(parsed.journal_path,
				 parsed.journal_key_file) != JOURNAL_OK) {
		snprintf(error, error_size,
			 "%s: [journal] path or key_file is too long", path);
		return -1;
	}
	*out = parsed;
	return 0;
}
