/* The virtual chip card: a strict parser for card data files and the
 * command handling of a payment card over T=1 (APDUs) or T=0 (TPDUs). */
#include "virtual_card.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ENTRIES_MAX 64
#define DATA_MAX 1024      /* one reply's data, before any chaining */
#define FILE_MAX 65536     /* bytes of a card data file */
#define ATR_MAX 33         /* ISO/IEC 7816-3: at most 33 bytes */
#define NAME_MAX_BYTES 16  /* DF name */
#define GPO_DATA_MAX 255

enum entry_kind { ENTRY_SELECT, ENTRY_RECORD, ENTRY_GPO };

struct entry {
	enum entry_kind kind;
	uint8_t name[NAME_MAX_BYTES];
	size_t name_len;
	unsigned sfi;
	unsigned record;
	uint8_t data[DATA_MAX];
	size_t len;
	uint16_t sw;
};

struct virtual_card {
	uint8_t atr[ATR_MAX];
	size_t atr_len;
	bool t0;
	bool contactless;
	size_t chain_chunk; /* 0: reply in one piece */
	bool wrong_le;
	bool more_forever;
	unsigned remove_after; /* 0: never removed */
	struct entry entries[ENTRIES_MAX];
	size_t entry_count;

	/* A response waiting for GET RESPONSE. */
	const struct entry *pending;
	size_t pending_offset;

	uint8_t last_gpo[GPO_DATA_MAX];
	size_t last_gpo_len;
	struct virtual_card_counters counters;
};

/* Parsing state of one file. */
struct parser {
	struct virtual_card *card;
	const char *name;
	unsigned line;
	char *error;
	size_t error_size;
};

static int fail(struct parser *p, const char *format, ...)
{
	va_list args;
	int n;

	n = snprintf(p->error, p->error_size, "%s:%u: ", p->name, p->line);
	if (n < 0 || (size_t)n >= p->error_size)
		return -1;
	va_start(args, format);
	vsnprintf(p->error + n, p->error_size - (size_t)n, format, args);
	va_end(args);
	return -1;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)toupper((unsigned char)c);
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Append the hex digits of word to out. */
static int parse_hex(struct parser *p, const char *word, uint8_t *out,
		     size_t size, size_t *len)
{
	size_t digits = strlen(word);

	if (digits % 2 != 0)
		return fail(p, "odd number of hex digits in \"%s\"", word);
	for (size_t i = 0; i < digits; i += 2) {
		int high = hex_value(word[i]);
		int low = hex_value(word[i + 1]);

		if (high < 0 || low < 0)
			return fail(p, "invalid hex \"%s\"", word);
		if (*len >= size)
			return fail(p, "more than %zu bytes", size);
		out[(*len)++] = (uint8_t)(high << 4 | low);
	}
	return 0;
}

static int parse_number(struct parser *p, const char *word, unsigned min,
			unsigned max, unsigned *value)
{
	char *end;
	unsigned long n;

	if (word == NULL)
		return fail(p, "missing number");
	errno = 0;
	n = strtoul(word, &end, 10);
	if (errno != 0 || *end != '\0' || end == word || n < min || n > max)
		return fail(p, "invalid number \"%s\" (expected %u to %u)",
			    word, min, max);
	*value = (unsigned)n;
	return 0;
}

/* Parse "<hex> [status SW]" or "status SW" from the words after "->". */
static int parse_reply(struct parser *p, char **save, struct entry *entry)
{
	char *word = strtok_r(NULL, " \t", save);
	uint8_t sw[2];
	size_t sw_len = 0;

	entry->len = 0;
	entry->sw = 0x9000;
	if (word == NULL)
		return fail(p, "missing reply after \"->\"");
	while (word != NULL && strcmp(word, "status") != 0) {
		if (parse_hex(p, word, entry->data, DATA_MAX, &entry->len))
			return -1;
		word = strtok_r(NULL, " \t", save);
	}
	if (word == NULL)
		return 0;
	word = strtok_r(NULL, " \t", save);
	if (word == NULL || strlen(word) != 4 ||
	    parse_hex(p, word, sw, sizeof(sw), &sw_len))
		return fail(p, "status needs 4 hex digits");
	if (strtok_r(NULL, " \t", save) != NULL)
		return fail(p, "text after the status word");
	if (sw[0] == 0x61 || sw[0] == 0x6C)
		return fail(p, "status %s is the card's own follow-up", word);
	entry->sw = (uint16_t)(sw[0] << 8 | sw[1]);
	return 0;
}

static int expect_arrow(struct parser *p, char **save)
{
	char *word = strtok_r(NULL, " \t", save);

	if (word == NULL || strcmp(word, "->") != 0)
		return fail(p, "expected \"->\"");
	return 0;
}

static struct entry *new_entry(struct parser *p, enum entry_kind kind)
{
	struct entry *entry;

	if (p->card->entry_count == ENTRIES_MAX) {
		fail(p, "more than %d replies", ENTRIES_MAX);
		return NULL;
	}
	entry = &p->card->entries[p->card->entry_count++];
	entry->kind = kind;
	return entry;
}

static int parse_select(struct parser *p, char **save)
{
	struct entry *entry = new_entry(p, ENTRY_SELECT);
	char *word = strtok_r(NULL, " \t", save);

	if (entry == NULL)
		return -1;
	if (word == NULL)
		return fail(p, "select needs a DF name");
	entry->name_len = 0;
	if (parse_hex(p, word, entry->name, NAME_MAX_BYTES, &entry->name_len))
		return -1;
	if (entry->name_len < 5)
		return fail(p, "DF name shorter than 5 bytes");
	if (expect_arrow(p, save))
		return -1;
	return parse_reply(p, save, entry);
}

static int parse_record(struct parser *p, char **save)
{
	struct entry *entry = new_entry(p, ENTRY_RECORD);

	if (entry == NULL)
		return -1;
	if (parse_number(p, strtok_r(NULL, " \t", save), 1, 30, &entry->sfi))
		return -1;
	if (parse_number(p, strtok_r(NULL, " \t", save), 1, 255,
			 &entry->record))
		return -1;
	if (expect_arrow(p, save))
		return -1;
	return parse_reply(p, save, entry);
}

static int parse_behaviour(struct parser *p, char **save)
{
	struct virtual_card *card = p->card;
	char *word = strtok_r(NULL, " \t", save);
	unsigned value;

	if (word == NULL)
		return fail(p, "behaviour needs a name");
	if (strcmp(word, "chain61") == 0) {
		if (parse_number(p, strtok_r(NULL, " \t", save), 1, 255,
				 &value))
			return -1;
		card->chain_chunk = value;
	} else if (strcmp(word, "wrong_le") == 0) {
		card->wrong_le = true;
	} else if (strcmp(word, "more_forever") == 0) {
		card->more_forever = true;
	} else if (strcmp(word, "remove_after") == 0) {
		if (parse_number(p, strtok_r(NULL, " \t", save), 1, 10000,
				 &card->remove_after))
			return -1;
	} else {
		return fail(p, "unknown behaviour \"%s\"", word);
	}
	if (strtok_r(NULL, " \t", save) != NULL)
		return fail(p, "text after behaviour %s", word);
	return 0;
}

/* Parse the words of a protocol or interface line: exactly one of two. */
static int parse_choice(struct parser *p, char **save, const char *yes,
			const char *no, bool *value)
{
	char *word = strtok_r(NULL, " \t", save);

	if (word == NULL || strtok_r(NULL, " \t", save) != NULL)
		return fail(p, "expected %s or %s", yes, no);
	if (strcmp(word, yes) == 0)
		*value = true;
	else if (strcmp(word, no) == 0)
		*value = false;
	else
		return fail(p, "expected %s or %s, not \"%s\"", yes, no, word);
	return 0;
}

static bool same_key(const struct entry *a, const struct entry *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == ENTRY_SELECT)
		return a->name_len == b->name_len &&
		       memcmp(a->name, b->name, a->name_len) == 0;
	if (a->kind == ENTRY_RECORD)
		return a->sfi == b->sfi && a->record == b->record;
	return true;
}

/* Reject a second reply to the same command. */
static int check_duplicate(struct parser *p)
{
	size_t count = p->card->entry_count;

	for (size_t i = 0; i + 1 < count; i++) {
		if (same_key(&p->card->entries[i],
			     &p->card->entries[count - 1]))
			return fail(p, "second reply to the same command");
	}
	return 0;
}

static int parse_line(struct parser *p, char *line)
{
	char *save = NULL;
	char *comment = strchr(line, '#');
	char *word;

	if (comment != NULL)
		*comment = '\0';
	word = strtok_r(line, " \t\r", &save);
	if (word == NULL)
		return 0;
	if (strcmp(word, "atr") == 0) {
		p->card->atr_len = 0;
		for (word = strtok_r(NULL, " \t\r", &save); word != NULL;
		     word = strtok_r(NULL, " \t\r", &save)) {
			if (parse_hex(p, word, p->card->atr, ATR_MAX,
				      &p->card->atr_len))
				return -1;
		}
		return p->card->atr_len >= 2 ? 0 : fail(p, "ATR too short");
	}
	if (strcmp(word, "protocol") == 0)
		return parse_choice(p, &save, "T=0", "T=1", &p->card->t0);
	if (strcmp(word, "interface") == 0)
		return parse_choice(p, &save, "contactless", "contact",
				    &p->card->contactless);
	if (strcmp(word, "select") == 0)
		return parse_select(p, &save);
	if (strcmp(word, "record") == 0)
		return parse_record(p, &save);
	if (strcmp(word, "gpo") == 0) {
		struct entry *entry = new_entry(p, ENTRY_GPO);

		if (entry == NULL || expect_arrow(p, &save))
			return -1;
		return parse_reply(p, &save, entry);
	}
	if (strcmp(word, "behaviour") == 0)
		return parse_behaviour(p, &save);
	return fail(p, "unknown statement \"%s\"", word);
}

int virtual_card_parse(const char *text, const char *name,
		       struct virtual_card **card, char *error,
		       size_t error_size)
{
	struct parser p = {.name = name, .error = error,
			   .error_size = error_size};
	char *copy = strdup(text);
	char *save = NULL;
	int rc = 0;

	*card = NULL;
	p.card = calloc(1, sizeof(*p.card));
	if (copy == NULL || p.card == NULL) {
		rc = fail(&p, "out of memory");
		goto out;
	}
	/* Split by hand: strtok_r would merge empty lines and shift the
	 * line numbers. */
	for (char *line = copy; line != NULL && rc == 0; line = save) {
		save = strchr(line, '\n');
		if (save != NULL)
			*save++ = '\0';
		p.line++;
		rc = parse_line(&p, line);
		if (rc == 0)
			rc = check_duplicate(&p);
	}
	if (rc == 0 && p.card->atr_len == 0) {
		rc = fail(&p, "no atr line");
	}
out:
	free(copy);
	if (rc != 0) {
		free(p.card);
		return -1;
	}
	*card = p.card;
	return 0;
}

int virtual_card_load(const char *path, struct virtual_card **card,
		      char *error, size_t error_size)
{
	FILE *file = fopen(path, "r");
	char *text = NULL;
	size_t n;
	int rc = -1;

	*card = NULL;
	if (file == NULL) {
		snprintf(error, error_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	text = malloc(FILE_MAX + 1);
	if (text == NULL) {
		snprintf(error, error_size, "%s: out of memory", path);
		goto out;
	}
	n = fread(text, 1, FILE_MAX + 1, file);
	if (n > FILE_MAX || ferror(file)) {
		snprintf(error, error_size, "%s: unreadable or over %d bytes",
			 path, FILE_MAX);
		goto out;
	}
	text[n] = '\0';
	if (memchr(text, '\0', n) != NULL) {
		snprintf(error, error_size, "%s: NUL byte in text", path);
		goto out;
	}
	rc = virtual_card_parse(text, path, card, error, error_size);
out:
	free(text);
	fclose(file);
	return rc;
}

void virtual_card_free(struct virtual_card *card)
{
	free(card);
}

static int try_path(const char *dir, const char *file, char *out,
		    size_t size)
{
	int n = snprintf(out, size, "%s/%s", dir, file);

	if (n < 0 || (size_t)n >= size)
		return -1;
	return access(out, R_OK) == 0 ? 0 : -1;
}

int virtual_card_path(const char *file, char *out, size_t size)
{
	char exe[4096];
	char dir[4096 + 32];
	ssize_t n;

	if (try_path("tests/cards", file, out, size) == 0)
		return 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	snprintf(dir, sizeof(dir), "%s/../../tests/cards", dirname(exe));
	return try_path(dir, file, out, size);
}

/* A command as the card sees it. */
struct command {
	uint8_t cla;
	uint8_t ins;
	uint8_t p1;
	uint8_t p2;
	const uint8_t *data;
	size_t lc;
	bool has_le;
	size_t le; /* 1 to 256 */
};

/* Where a reply goes. */
struct answer {
	struct virtual_card *card;
	uint8_t *reply;
	size_t size;
	size_t *got;
};

static int put_reply(struct answer *a, const uint8_t *data, size_t len,
		     uint16_t sw)
{
	if (len + 2 > a->size)
		return CARD_EPROTO;
	if (len > 0)
		memcpy(a->reply, data, len);
	a->reply[len] = (uint8_t)(sw >> 8);
	a->reply[len + 1] = (uint8_t)(sw & 0xFF);
	*a->got = len + 2;
	if (sw >> 8 == 0x61)
		a->card->counters.sent_61++;
	if (sw >> 8 == 0x6C)
		a->card->counters.sent_6c++;
	return CARD_OK;
}

static bool takes_data(uint8_t ins)
{
	return ins == 0xA4 || ins == 0xA8;
}

/* Split a command: an APDU under T=1, a TPDU (header and P3) under T=0,
 * where P3 is Lc for SELECT and GPO and Le for the rest. */
static int parse_command(const struct virtual_card *card,
			 const uint8_t *bytes, size_t len,
			 struct command *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	if (len < 4)
		return -1;
	cmd->cla = bytes[0];
	cmd->ins = bytes[1];
	cmd->p1 = bytes[2];
	cmd->p2 = bytes[3];
	if (card->t0) {
		if (len < 5)
			return -1;
		if (takes_data(cmd->ins)) {
			cmd->lc = bytes[4];
			cmd->data = bytes + 5;
			return len == 5 + cmd->lc && cmd->lc > 0 ? 0 : -1;
		}
		cmd->has_le = true;
		cmd->le = bytes[4] != 0 ? bytes[4] : 256;
		return len == 5 ? 0 : -1;
	}
	if (len == 4)
		return 0;
	if (len == 5) {
		cmd->has_le = true;
		cmd->le = bytes[4] != 0 ? bytes[4] : 256;
		return 0;
	}
	cmd->lc = bytes[4];
	cmd->data = bytes + 5;
	if (cmd->lc == 0 || (len != 5 + cmd->lc && len != 6 + cmd->lc))
		return -1;
	if (len == 6 + cmd->lc) {
		cmd->has_le = true;
		cmd->le = bytes[len - 1] != 0 ? bytes[len - 1] : 256;
	}
	return 0;
}

/* The size of the next piece of the pending response. */
static size_t next_chunk(const struct virtual_card *card)
{
	size_t remaining = card->pending->len - card->pending_offset;
	size_t chunk = card->chain_chunk != 0 ? card->chain_chunk : 256;

	return remaining < chunk ? remaining : chunk;
}

/* Keep entry for GET RESPONSE and announce its first piece. */
static int start_pending(struct answer *a, const struct entry *entry)
{
	a->card->pending = entry;
	a->card->pending_offset = 0;
	return put_reply(a, NULL, 0,
			 (uint16_t)(0x6100 | (next_chunk(a->card) & 0xFF)));
}

/* SELECT and GPO: command data in, response data out (case 4). */
static int answer_case4(struct answer *a, const struct entry *entry)
{
	if (entry->len == 0 || entry->sw != 0x9000)
		return put_reply(a, NULL, 0, entry->sw);
	if (a->card->t0 || a->card->chain_chunk != 0)
		return start_pending(a, entry);
	return put_reply(a, entry->data, entry->len, entry->sw);
}

/* READ RECORD: response data only (case 2). */
static int answer_case2(struct answer *a, const struct command *cmd,
			const struct entry *entry)
{
	size_t n = entry->len;

	if (entry->len == 0 || entry->sw != 0x9000)
		return put_reply(a, NULL, 0, entry->sw);
	if (a->card->chain_chunk != 0)
		return start_pending(a, entry);
	if (a->card->wrong_le && cmd->le != entry->len)
		return put_reply(a, NULL, 0,
				 (uint16_t)(0x6C00 | (entry->len & 0xFF)));
	if (cmd->le < n)
		n = cmd->le;
	return put_reply(a, entry->data, n, entry->sw);
}

static int answer_get_response(struct answer *a, const struct command *cmd)
{
	struct virtual_card *card = a->card;
	const struct entry *entry = card->pending;
	size_t chunk;
	size_t n;
	uint16_t sw;
	int rc;

	card->counters.get_response++;
	if (entry == NULL)
		return put_reply(a, NULL, 0, 0x6985);
	chunk = next_chunk(card);
	if (card->wrong_le && cmd->le != chunk)
		return put_reply(a, NULL, 0,
				 (uint16_t)(0x6C00 | (chunk & 0xFF)));
	n = cmd->le < chunk ? cmd->le : chunk;
	if (card->pending_offset + n < entry->len) {
		card->pending_offset += n;
		sw = (uint16_t)(0x6100 | (next_chunk(card) & 0xFF));
		card->pending_offset -= n;
	} else {
		sw = entry->sw;
	}
	rc = put_reply(a, entry->data + card->pending_offset, n, sw);
	if (rc < 0)
		return rc;
	card->pending_offset += n;
	if (card->pending_offset == entry->len)
		card->pending = NULL;
	return rc;
}

static const struct entry *find_entry(const struct virtual_card *card,
				      enum entry_kind kind,
				      const struct command *cmd)
{
	for (size_t i = 0; i < card->entry_count; i++) {
		const struct entry *e = &card->entries[i];

		if (e->kind != kind)
			continue;
		if (kind == ENTRY_GPO)
			return e;
		if (kind == ENTRY_SELECT && e->name_len == cmd->lc &&
		    memcmp(e->name, cmd->data, cmd->lc) == 0)
			return e;
		if (kind == ENTRY_RECORD && e->record == cmd->p1 &&
		    e->sfi == (unsigned)(cmd->p2 >> 3))
			return e;
	}
	return NULL;
}

static int answer_command(struct answer *a, const struct command *cmd)
{
	struct virtual_card *card = a->card;
	const struct entry *entry;

	switch (cmd->ins) {
	case 0xA4:
		card->counters.select++;
		entry = NULL;
		if (cmd->p1 == 0x04 && cmd->p2 == 0x00)
			entry = find_entry(card, ENTRY_SELECT, cmd);
		return entry != NULL ? answer_case4(a, entry) :
				       put_reply(a, NULL, 0, 0x6A82);
	case 0xB2:
		card->counters.read_record++;
		entry = NULL;
		if ((cmd->p2 & 0x07) == 0x04 && cmd->lc == 0)
			entry = find_entry(card, ENTRY_RECORD, cmd);
		return entry != NULL ? answer_case2(a, cmd, entry) :
				       put_reply(a, NULL, 0, 0x6A83);
	case 0xA8:
		card->counters.gpo++;
		if (cmd->cla != 0x80 || cmd->lc == 0)
			return put_reply(a, NULL, 0, 0x6E00);
		memcpy(card->last_gpo, cmd->data, cmd->lc);
		card->last_gpo_len = cmd->lc;
		entry = find_entry(card, ENTRY_GPO, cmd);
		return entry != NULL ? answer_case4(a, entry) :
				       put_reply(a, NULL, 0, 0x6985);
	case 0xC0:
		return answer_get_response(a, cmd);
	default:
		return put_reply(a, NULL, 0, 0x6D00);
	}
}

int virtual_card_exchange(void *data, const uint8_t *command, size_t len,
			  uint8_t *reply, size_t size, size_t *got)
{
	struct virtual_card *card = data;
	struct answer a = {.card = card, .reply = reply, .size = size,
			   .got = got};
	struct command cmd;

	*got = 0;
	card->counters.commands++;
	if (card->remove_after != 0 &&
	    card->counters.commands > card->remove_after)
		return CARD_EREMOVED;
	if (card->more_forever)
		return put_reply(&a, NULL, 0, 0x6110);
	if (parse_command(card, command, len, &cmd) < 0) {
		card->counters.wrong_length++;
		return put_reply(&a, NULL, 0, 0x6700);
	}

	/* Any command but GET RESPONSE drops a half-fetched response. */
	if (cmd.ins != 0xC0)
		card->pending = NULL;
	return answer_command(&a, &cmd);
}

void virtual_card_channel(struct virtual_card *card,
			  struct card_channel *channel)
{
	channel->transport = card->t0 ? CARD_TRANSPORT_TPDU_T0 :
					CARD_TRANSPORT_APDU;
	channel->contactless = card->contactless;
	channel->exchange = virtual_card_exchange;
	channel->data = card;
}

void virtual_card_reset(struct virtual_card *card)
{
	memset(&card->counters, 0, sizeof(card->counters));
	card->pending = NULL;
	card->pending_offset = 0;
	card->last_gpo_len = 0;
}

const struct virtual_card_counters *
virtual_card_counters(const struct virtual_card *card)
{
	return &card->counters;
}

const uint8_t *virtual_card_atr(const struct virtual_card *card,
				size_t *len)
{
	*len = card->atr_len;
	return card->atr;
}

const uint8_t *virtual_card_last_gpo(const struct virtual_card *card,
				     size_t *len)
{
	*len = card->last_gpo_len;
	return card->last_gpo;
}
