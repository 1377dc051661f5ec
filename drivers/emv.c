/* EMV application selection (EMV Book 1 chapter 12): the candidate list
 * from the PSE directory records, the PPSE directory in the FCI, or
 * SELECT of each known AID, ordered by the Application Priority
 * Indicator. */
#include "emv.h"

#include "emv_internal.h"
#include "iso7816.h"
#include "tlv.h"

#include <mbedtls/platform_util.h>
#include <stdio.h>
#include <string.h>

#define REPLY_MAX 1024
/* Directory records read from the PSE at most; a card has a few. */
#define DIR_RECORDS_MAX 32
/* Candidates collected before the best EMV_APPS_MAX are kept.
 * NOTE: entries past this count are dropped unsorted. */
#define CANDIDATES_MAX 32
#define PRIORITY_NONE_RANK 16 /* sorts after priorities 1 to 15 */

static const uint8_t pse_name[] = {'1', 'P', 'A', 'Y', '.', 'S', 'Y',
				   'S', '.', 'D', 'D', 'F', '0', '1'};
static const uint8_t ppse_name[] = {'2', 'P', 'A', 'Y', '.', 'S', 'Y',
				    'S', '.', 'D', 'D', 'F', '0', '1'};

struct known_aid {
	uint8_t aid[16];
	size_t len;
};

/* AIDs tried when a card has no usable PSE or PPSE. Sources: the AID
 * tables on the pages "Application selection" (ID TECH knowledge base,
 * idtechproducts.atlassian.net) and "Emv About aid" (chuwuwang/
 * ReadingNote wiki on GitHub).
 * NOTE: Verve (Nigeria) and GhIPSS gh-link are left out because neither
 * source documents their AIDs. */
static const struct known_aid known_aids[] = {
	{{0xA0, 0x00, 0x00, 0x00, 0x03, 0x10, 0x10}, 7}, /* Visa */
	{{0xA0, 0x00, 0x00, 0x00, 0x03, 0x20, 0x10}, 7}, /* Visa Electron */
	{{0xA0, 0x00, 0x00, 0x00, 0x04, 0x10, 0x10}, 7}, /* Mastercard */
	{{0xA0, 0x00, 0x00, 0x00, 0x04, 0x30, 0x60}, 7}, /* Maestro */
	{{0xA0, 0x00, 0x00, 0x00, 0x25, 0x01}, 6},       /* Amex */
	{{0xA0, 0x00, 0x00, 0x01, 0x52, 0x30, 0x10}, 7}, /* Discover */
	{{0xA0, 0x00, 0x00, 0x00, 0x65, 0x10, 0x10}, 7}, /* JCB */
	{{0xA0, 0x00, 0x00, 0x03, 0x33, 0x01, 0x01, 0x01}, 8}, /* UnionPay */
	{{0xA0, 0x00, 0x00, 0x02, 0x77, 0x10, 0x10}, 7}, /* Interac */
	{{0xA0, 0x00, 0x00, 0x05, 0x24, 0x10, 0x10}, 7}, /* RuPay */
};

struct app_list {
	struct emv_app apps[CANDIDATES_MAX];
	int count;
};

void emv_copy_text(char *out, size_t size, const uint8_t *value,
		   size_t len)
{
	size_t n = 0;

	if (size == 0)
		return;
	for (size_t i = 0; i < len && n + 1 < size; i++) {
		if (value[i] >= 0x20 && value[i] <= 0x7E)
			out[n++] = (char)value[i];
	}
	out[n] = '\0';
}

static void add_app(struct app_list *list, const struct emv_app *app)
{
	if (list->count < CANDIDATES_MAX)
		list->apps[list->count++] = *app;
}

/* Fill app from the children of an Application Template (61) or of an
 * FCI Proprietary Template (A5): 4F AID, 50 label, 9F12 preferred
 * name when there is no label, 87 priority. */
static int parse_app_fields(const uint8_t *data, size_t len,
			    struct emv_app *app)
{
	struct tlv_cursor cursor;
	struct tlv_item item;
	int rc;

	tlv_cursor_init(&cursor, data, len);
	while ((rc = tlv_next(&cursor, &item)) == 1) {
		if (item.tag == 0x4F) {
			if (item.length < 5 || item.length > 16)
				return CARD_EDATA;
			memcpy(app->aid, item.value, item.length);
			app->aid_len = item.length;
		} else if (item.tag == 0x50 ||
			   (item.tag == 0x9F12 && app->label[0] == '\0')) {
			emv_copy_text(app->label, sizeof(app->label),
				      item.value, item.length);
		} else if (item.tag == 0x87 && item.length == 1) {
			app->priority = item.value[0] & 0x0F;
			app->confirm = (item.value[0] & 0x80) != 0;
		}
	}
	return rc < 0 ? CARD_EDATA : CARD_OK;
}

/* Whether app's AID is the name of the PSE or the PPSE: a directory
 * entry naming it is the directory itself, not an application. */
static bool is_directory_name(const struct emv_app *app)
{
	return (app->aid_len == sizeof(pse_name) &&
		memcmp(app->aid, pse_name, sizeof(pse_name)) == 0) ||
	       (app->aid_len == sizeof(ppse_name) &&
		memcmp(app->aid, ppse_name, sizeof(ppse_name)) == 0);
}

/* Add the usable Application Templates (61) among the children of data.
 * An entry that is malformed, has no ADF name (4F) or names the PSE or
 * PPSE is skipped, so one bad entry does not hide the good ones.
 * NOTE: a DDF entry (tag 9D) is skipped, not followed, because it has
 * no ADF name. Data that is not valid TLV as a whole adds nothing. */
static void add_directory_entries(const uint8_t *data, size_t len,
				 struct app_list *list)
{
	struct tlv_cursor cursor;
	struct tlv_item item;

	if (tlv_check(data, len) < 0)
		return;
	tlv_cursor_init(&cursor, data, len);
	while (tlv_next(&cursor, &item) == 1) {
		struct emv_app app = {.aid_len = 0};

		if (item.tag != 0x61)
			continue;
		if (parse_app_fields(item.value, item.length, &app) < 0)
			continue;
		/* Book 1 12.2.3: an entry without an ADF name is unusable. */
		if (app.aid_len == 0 || is_directory_name(&app))
			continue;
		add_app(list, &app);
	}
}

/* Contact: SELECT 1PAY.SYS.DDF01, then READ RECORD 1, 2 ... of the SFI
 * in tag 88 until 6A83 (EMV Book 1 12.3.2). Each record is a template
 * 70 of Application Templates; a malformed record is skipped. Returns
 * the count listed, CARD_ENOAPP when the PSE gives no usable entry, or
 * the channel's error. */
static int list_from_pse(const struct card_channel *channel,
			 struct app_list *list)
{
	uint8_t reply[REPLY_MAX];
	struct tlv_item item;
	size_t got;
	uint16_t sw;
	uint8_t sfi;
	int rc;

	rc = iso7816_select_name(channel, pse_name, sizeof(pse_name), reply,
				 sizeof(reply), &got, &sw);
	if (rc < 0)
		return rc;
	if (sw != ISO7816_SW_OK)
		return CARD_ENOAPP;
	rc = tlv_find(reply, got, 0x88, &item);
	if (rc != 1 || item.length != 1 || item.value[0] < 1 ||
	    item.value[0] > 30)
		return CARD_ENOAPP;
	sfi = item.value[0];

	for (int record = 1; record <= DIR_RECORDS_MAX; record++) {
		rc = iso7816_read_record(channel, sfi, (uint8_t)record, reply,
					 sizeof(reply), &got, &sw);
		if (rc < 0)
			return rc;
		if (sw == ISO7816_SW_RECORD_NOT_FOUND)
			break;
		/* Any other failure: Book 1 falls back to the AID list. */
		if (sw != ISO7816_SW_OK) {
			list->count = 0;
			return CARD_ENOAPP;
		}
		if (tlv_find(reply, got, 0x70, &item) != 1)
			continue;
		add_directory_entries(item.value, item.length, list);
	}
	return list->count > 0 ? list->count : CARD_ENOAPP;
}

/* Contactless: SELECT 2PAY.SYS.DDF01; the directory is the FCI Issuer
 * Discretionary Data (BF0C) of the answer (EMV Book B, Entry Point).
 * Returns the count listed, CARD_ENOAPP when the PPSE gives no usable
 * entry, or the channel's error. */
static int list_from_ppse(const struct card_channel *channel,
			  struct app_list *list)
{
	uint8_t reply[REPLY_MAX];
	struct tlv_item item;
	size_t got;
	uint16_t sw;
	int rc;

	rc = iso7816_select_name(channel, ppse_name, sizeof(ppse_name),
				 reply, sizeof(reply), &got, &sw);
	if (rc < 0)
		return rc;
	if (sw != ISO7816_SW_OK)
		return CARD_ENOAPP;
	if (tlv_find(reply, got, 0xBF0C, &item) != 1)
		return CARD_ENOAPP;
	add_directory_entries(item.value, item.length, list);
	return list->count > 0 ? list->count : CARD_ENOAPP;
}

/* Describe the application whose FCI is in reply: the DF name (84) as
 * its AID, and the label and priority from A5. */
static int app_from_fci(const uint8_t *fci, size_t len,
			const struct known_aid *known, struct emv_app *app)
{
	struct tlv_item item;
	int rc;

	memset(app, 0, sizeof(*app));
	memcpy(app->aid, known->aid, known->len);
	app->aid_len = known->len;
	rc = tlv_find(fci, len, 0x84, &item);
	if (rc < 0)
		return CARD_EDATA;
	if (rc == 1 && item.length >= 5 && item.length <= 16) {
		memcpy(app->aid, item.value, item.length);
		app->aid_len = item.length;
	}
	rc = tlv_find(fci, len, 0xA5, &item);
	if (rc == 1)
		rc = parse_app_fields(item.value, item.length, app);
	return rc < 0 ? CARD_EDATA : CARD_OK;
}

/* SELECT each known AID (EMV Book 1 12.3.3, exact match only). An AID
 * the card rejects or answers with a malformed FCI is skipped.
 * NOTE: partial name selection (P2 = 02, next occurrence) is not done,
 * so a card with two applications under one AID prefix lists one. */
static int list_from_aids(const struct card_channel *channel,
			  struct app_list *list)
{
	uint8_t reply[REPLY_MAX];
	size_t count = sizeof(known_aids) / sizeof(known_aids[0]);
	struct emv_app app;
	size_t got;
	uint16_t sw;
	int rc;

	for (size_t i = 0; i < count; i++) {
		rc = iso7816_select_name(channel, known_aids[i].aid,
					 known_aids[i].len, reply,
					 sizeof(reply), &got, &sw);
		if (rc < 0)
			return rc;
		if (sw != ISO7816_SW_OK)
			continue;
		if (app_from_fci(reply, got, &known_aids[i], &app) < 0)
			continue;
		add_app(list, &app);
	}
	return list->count > 0 ? list->count : CARD_ENOAPP;
}

/* Whether error means the card or reader is gone, so that trying the
 * AID list would fail too. */
static bool is_fatal(int error)
{
	switch (error) {
	case CARD_EREMOVED:
	case CARD_ENOCARD:
	case CARD_ENODEV:
	case CARD_EREADER:
	case CARD_EMUTE:
	case CARD_ENOMEM:
	case CARD_EINVAL:
	case CARD_ECANCELLED:
		return true;
	default:
		return false;
	}
}

static int priority_rank(const struct emv_app *app)
{
	return app->priority != 0 ? app->priority : PRIORITY_NONE_RANK;
}

/* Stable insertion sort, best priority first. */
static void sort_apps(struct app_list *list)
{
	for (int i = 1; i < list->count; i++) {
		struct emv_app app = list->apps[i];
		int j = i;

		int rank = priority_rank(&app);

		while (j > 0 && priority_rank(&list->apps[j - 1]) > rank) {
			list->apps[j] = list->apps[j - 1];
			j--;
		}
		list->apps[j] = app;
	}
}

int emv_list_apps(const struct card_channel *channel, struct emv_app *apps,
		  int max)
{
	struct app_list list = {.count = 0};
	int rc;

	if (channel == NULL || apps == NULL || max < 1)
		return CARD_EINVAL;
	if (channel->contactless)
		rc = list_from_ppse(channel, &list);
	else
		rc = list_from_pse(channel, &list);
	/* Book 1 12.3.2: when the PSE or PPSE cannot be used, the list comes
	 * from the terminal's AIDs. Only a lost card or reader stops that. */
	if (rc < 0 && !is_fatal(rc)) {
		list.count = 0;
		rc = list_from_aids(channel, &list);
	}
	if (rc < 0)
		return rc;

	sort_apps(&list);
	if (list.count > max)
		list.count = max;
	memcpy(apps, list.apps, (size_t)list.count * sizeof(apps[0]));
	return list.count;
}

char *emv_aid_hex(const struct emv_app *app, char *out, size_t size)
{
	size_t n = 0;

	if (size == 0)
		return out;
	for (size_t i = 0; i < app->aid_len && n + 2 < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%02X", app->aid[i]);
	out[n] = '\0';
	return out;
}
