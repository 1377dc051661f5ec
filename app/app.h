/* The application context shared by the UI and the service layer: the
 * configuration, the UI thread's journal connection, the event channel,
 * the sync worker, the print worker and the agent's session. */
#ifndef SPOTAGENT_APP_H
#define SPOTAGENT_APP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../drivers/escpos.h"
#include "../drivers/printer.h"
#include "../drivers/usb.h"
#include "../offline/journal.h"
#include "../offline/sync.h"
#include "api.h"
#include "api_card.h"
#include "card_worker.h"
#include "config.h"
#include "event.h"
#include "print_queue.h"

/* The agent's session; the token lives in memory only. */
struct session {
	bool logged_in;
	char agent_id[JOURNAL_AGENT_SIZE];
	char agent_name[API_NAME_SIZE];
	char token[API_TOKEN_SIZE];
	int64_t expires_at;
	bool offline; /* logged in with the offline verifier: no token */
};

/* The status bar's data, updated on the UI thread from events. */
struct app_status {
	bool online;
	int64_t counts[OP_STATE_COUNT];
	enum printer_state printer;
	char printer_message[160];   /* the print worker's last news */
	int64_t print_waiting;        /* print jobs not written yet */
	int64_t print_held;           /* print jobs the agent must release */
	enum card_reader_state card_reader;
	char card_message[160];      /* the card worker's last state words */
};

/* Summary of app_print_due's print jobs, for the agent. Calls add to
 * it. */
struct app_print_report {
	int receipts;                    /* final receipts sent to print */
	int rejected;                    /* rejection notices due */
	int failed;                      /* no job made; tried again later */
	char id[JOURNAL_ID_SIZE];        /* the last rejected operation */
	char reason[JOURNAL_ERROR_SIZE]; /* and its reason */
	char print_message[160];         /* the last printing failure */
	char drawer_message[160];        /* a drawer pulse not made */
};

/* Operations journaled at this terminal's screens in this run that a
 * drawer pulse may follow; the oldest is forgotten first. */
#define APP_OWN_OPERATIONS_MAX 64

struct app {
	struct config config;
	struct journal *journal;
	struct event_channel *events;
	struct sync_worker *sync;
	struct usb_context *usb;         /* NULL when libusb cannot start */
	struct print_queue *print;
	struct card_worker *card;        /* NULL when it did not start */
	struct session session;
	struct app_status status;
	struct app_print_report printed; /* since the UI last read it */
	int64_t data_version;            /* journal, at the last poll */

	/* Ids app_note_own_operation recorded; own_next is the slot of the
	 * next one, the oldest once the ring is full. */
	char own_ids[APP_OWN_OPERATIONS_MAX][JOURNAL_ID_SIZE];
	int own_next;

	/* One request thread at a time (login, lookup); its results are
	 * handed to the UI thread under lock. */
	pthread_mutex_t lock;
	pthread_t request_thread;
	bool request_active;   /* started and not yet joined */
	bool request_done;     /* finished; joining will not block */
	struct transport *request_transport; /* kept alive between requests */
	struct api_login pending_login;
	char pending_agent[JOURNAL_AGENT_SIZE];
	struct api_wallet pending_wallet;
	struct api_card_account pending_card; /* app_card_lookup's result */
};

/* Write a one-line message for the agent or operator on why the journal
 * at path did not open with journal_open's result rc, naming the
 * setting to check. */
void app_describe_journal_error(const char *path, int rc, char *error,
			    size_t error_size);

/* Open the journal, the event channel and the USB context, start the
 * print worker (which opens the printer), the card worker and the sync
 * worker for an already loaded app->config. A USB context that cannot
 * start is logged and only fails a "usb" printer setting. A card worker
 * that cannot start is logged and leaves app->card NULL. Returns 0, or
 * -1 with a one-line message in error (everything opened so far is
 * closed). */
int app_open(struct app *app, char *error, size_t error_size);

/* Stop the sync worker, join a request thread, close everything. */
void app_close(struct app *app);

/* Apply an event to app->status (counts re-read from the journal on
 * EVENT_QUEUE and EVENT_OPERATION). Call on the UI thread for every event
 * before the screen sees it. */
void app_apply_event(struct app *app, const struct event *event);

/* Start run(arg) on the request thread. Returns 0, or -1 with a line for
 * the agent in message when a request is still running or the thread
 * cannot be created (arg is then still the caller's). */
int app_request_start(struct app *app, void *(*run)(void *), void *arg,
		      char *message, size_t message_size);

/* Return the request thread's transport, opened on first use and kept so
 * that later requests reuse the TLS session. Call only from the request
 * thread. Returns NULL with a line for the agent in message on failure. */
struct transport *app_request_transport(struct app *app, char *message,
					size_t message_size);

/* Called by a request thread just before it posts its event. */
void app_request_finish(struct app *app);

/* Post EVENT_QUEUE, and an EVENT_OPERATION for `watched` when not NULL,
 * when the journal changed since the last call (another process, such as
 * `spotagent sync` from cron, may decide operations). The UI calls it
 * every few seconds. Returns 0, or the journal_error of a journal that
 * could not be read. */
int app_poll_journal(struct app *app, const char *watched);

/* Re-read the queue counts from the journal into app->status. */
void app_refresh_counts(struct app *app);

/* Agent actions on the queue. Each changes the journal in one
 * transaction and wakes the sync worker when something became due.
 * Returns 0, or -1 with a line for the agent in message (for example when
 * the operation's state does not allow the action).
 * - retry: a needs-attention operation is sent again with its own key,
 *   except a profile update in a version conflict, because the central
 *   service replays the same conflict to the same key;
 * - cancel: an operation that was never sent becomes rejected, and a
 *   cancelled money operation gets a printed notice (a printer failure is named
 *   in message, and the cancellation is kept);
 * - discard: a profile update in needs attention whose reason is a
 *   version conflict (customer_conflict_parse) becomes rejected and
 *   acknowledged, because that answer is final and applied nothing; any
 *   other operation is refused, since its outcome may be unknown;
 * - acknowledge: the agent has seen a rejection. */
int app_retry_operation(struct app *app, const char *id, char *message,
			size_t message_size);
int app_cancel_operation(struct app *app, const char *id, char *message,
			 size_t message_size);
int app_discard_operation(struct app *app, const char *id, char *message,
			  size_t message_size);
int app_acknowledge_operation(struct app *app, const char *id,
			      char *message, size_t message_size);

/* Make a print job of a rejection notice for operation id: its receipt
 * headed as a notice, for the customer and the agent's records. When the
 * operation is rejected, the job and the printed mark of that state are
 * recorded together. Returns as app_print_receipt. */
int app_print_notice(struct app *app, const char *id, char *message,
		     size_t message_size);

/* Make a print job for every final receipt (accepted) and rejection
 * notice (rejected by the central service) that the journal has not
 * printed yet, oldest first. Each job is added in the same transaction
 * that marks the operation's state printed, so that none is lost or made
 * twice, across restarts too; the print worker writes it. A confirmed
 * cash operation also gets a drawer pulse (see app_print_drawer). A
 * failure stops the round; the rest is tried on the next call. Does
 * nothing without a printer. Adds to *report; returns how many were due.
 * app_apply_event calls it on queue changes, and app_open at start. */
int app_print_due(struct app *app, struct app_print_report *report);

/* Make a print job of the receipt of operation id, laid out from its
 * journal row for the printer's profile, and wake the print worker.
 * Returns 0 with "Receipt sent to the printer" (or "Receipt copy sent to
 * the printer") in message, or "Receipt waiting for the printer: STATE"
 * when the printer is not ready, or -1 with a line for the agent in
 * message (no printer configured, layout or journal failure). A copy is
 * not made while a receipt, notice or copy job of the operation is
 * waiting, printing or held (app_print_job_pending): a held one is
 * released instead, and message reads "A receipt is already waiting for
 * the printer" (": STATE" added when the printer is not ready). STATE is
 * print_queue_state_words'. */
int app_print_receipt(struct app *app, const char *id, bool copy,
		      char *message, size_t message_size);

/* Whether a receipt, notice or copy job of operation id is waiting,
 * printing or held; copied into *pending (may be NULL). Returns 1, 0, or
 * a negative journal_error. */
int app_print_job_pending(struct app *app, const char *id,
			  struct print_job *pending);

/* Whether the original receipt or notice job of operation id has not
 * printed yet (waiting, printing or held); copied into *original (may be
 * NULL). Returns 1, 0, or a negative journal_error. */
int app_print_original_pending(struct app *app, const char *id,
			       struct print_job *original);

/* Write "WHAT sent to the printer" into message when the printer is
 * ready, else "WHAT waiting for the printer: STATE" (STATE in
 * print_queue_state_words' words). */
void app_print_outcome(const struct app *app, const char *what,
		       char *message, size_t message_size);

/* Return the profile new print jobs are encoded for: [printer] profile,
 * else the model of the USB printer the print worker last saw (kept in
 * journal), else the generic profile of the paper width. Never NULL. */
const struct escpos_profile *app_print_profile_of(struct journal *journal,
						  const struct config *config);

/* Return app_print_profile_of for the app's journal and configuration. */
const struct escpos_profile *app_print_profile(struct app *app);

/* Add job (encoded for app_print_profile) as a print job of `kind` for
 * operation_id (NULL for none) and wake the print worker. Returns 0, or
 * -1 with a line for the agent in message. */
int app_print_job(struct app *app, enum print_kind kind,
		  const char *operation_id, const struct escpos_buf *job,
		  char *message, size_t message_size);

/* Record that the agent journaled operation id at this terminal's
 * screens in this run, so that its confirmation may open the cash drawer
 * (app_print_drawer_due). Operations journaled by `spotagent submit` or
 * another process are never recorded. */
void app_note_own_operation(struct app *app, const char *id);

/* Whether app_note_own_operation recorded id (among the last
 * APP_OWN_OPERATIONS_MAX). */
bool app_own_operation(const struct app *app, const char *id);

/* Whether operation op, confirmed now, gets a cash drawer pulse: the
 * drawer is configured, the agent journaled op at this terminal's
 * screens in this run (app_own_operation), op moves cash at the till (it
 * changes the
 * agent's float: cash-in, cash-out, a cash-funded transfer or a
 * reversal of one), and now is within APP_DRAWER_SECONDS of op's
 * creation, while the customer is still at the counter. */
bool app_print_drawer_due(struct app *app, const struct operation *op,
			  int64_t now);

/* Seconds after an operation's creation within which its confirmation
 * opens the cash drawer. */
#define APP_DRAWER_SECONDS 120

/* Release every held print job so that each prints once more, and wake
 * the print worker. A receipt or notice job that may have printed (its
 * bytes were taken) is replaced by the same receipt laid out as a copy,
 * in one transaction with ending the old job, so the customer never
 * holds two originals. A report or test page that may have printed is
 * not printed again: it ends (done, "may have printed; print a copy from
 * the report screen") and message says so. Returns the number released,
 * or -1 with a line for the agent in message. */
int app_print_release(struct app *app, char *message, size_t message_size);

/* Re-read the print job counts from the journal into app->status. */
void app_refresh_print_counts(struct app *app);

/* The message for a card read while the link is down: the central
 * service alone knows which wallet a card belongs to. */
#define APP_CARD_NEEDS_LINK                                             \
	"Finding a card's account needs the link. Type the customer's " \
	"wallet account number."

/* Start looking up the wallet linked to card->pan at the central service
 * on the request thread. The PAN is copied for the request and wiped when
 * it ends, and card stays the caller's to wipe. EVENT_CARD_LOOKUP arrives
 * with status 0, the account in id and the holder name in text (then
 * app_card_result has the wallet), or a negative api_error and a line for
 * the agent in text. Returns 0, or -1 with a line for the agent in
 * message and no event. It fails when not logged in, when offline (no
 * link, or logged in offline), for a card number that is not 12 to 19
 * digits passing the Luhn check, or while a request is still running. */
int app_card_lookup(struct app *app, const struct card_data *card,
		    char *message, size_t message_size);

/* Copy the wallet of the last successful app_card_lookup into *out.
 * Returns 0, or -1 when there is none. */
int app_card_result(struct app *app, struct api_card_account *out);

#endif
