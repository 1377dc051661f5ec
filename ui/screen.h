/* Shared UI state (struct ui) and the screen interface, which is a table
 * of callbacks plus each screen's own state. */
#ifndef SPOTAGENT_UI_SCREEN_H
#define SPOTAGENT_UI_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <wchar.h>

#include "../app/app.h"
#include "../app/money.h"
#include "card_input.h"
#include "dialog.h"
#include "keys.h"

struct fieldset;

/* The two layouts: the wide one for counter terminals of at least 80x24,
 * and the compact one for POS screens from 40x16 up to that. Terminals
 * smaller than 40x16 get only a message. */
#define UI_ROWS 24
#define UI_COLUMNS 80
#define UI_COMPACT_ROWS 16
#define UI_COMPACT_COLUMNS 40

/* Content rows 0 .. UI_CONTENT_ROWS - 1 are terminal rows 1 to 21 at
 * 80x24. Row 0 is the status bar, and the last two rows are the notice
 * line and the help line. The compact layout has 12 content rows, rows 1
 * to 12 at 40x16, because its notice may take two lines. */
#define UI_CONTENT_ROWS (UI_ROWS - 3)
#define UI_COMPACT_CONTENT_ROWS (UI_COMPACT_ROWS - 4)

/* Room for one message line, with every message the screens copy from
 * the service layer (at most 160 bytes) plus a short prefix. */
#define UI_MESSAGE_SIZE 192

enum screen_id {
	SCREEN_LOGIN = 0,
	SCREEN_HOME,
	SCREEN_TRANSFER,
	SCREEN_CONFIRM,
	SCREEN_RESULT,
	SCREEN_QUEUE,
	SCREEN_PASSWORD,
	SCREEN_CUSTOMER,
	SCREEN_FIND,
	SCREEN_SERVICES,      /* the money services menu */
	SCREEN_MONEY,         /* form of cash-in, cash-out, bank transfer,
				 reversal (ui->money.type says which) */
	SCREEN_MONEY_CONFIRM, /* fee, total and confirmation of ui->money */
	SCREEN_SEND,          /* send money: form, quote and its expiry */
	SCREEN_WALLET_INFO,   /* balance and mini-statement */
	SCREEN_FLOAT,         /* the agent's float */
	SCREEN_REPORT,        /* end-of-day report and closing the day */
	SCREEN_LOCK, /* drawn over the others while ui->lock is set; never
			shown with ui_switch */
	SCREEN_COUNT,
};

/* Reason the lock screen covers the current screen. */
enum ui_lock {
	UI_LOCK_NONE = 0,
	UI_LOCK_IDLE,    /* no key for [terminal] lock_minutes */
	UI_LOCK_SESSION, /* the session token expired during a request */
};

/* Bits returned by on_action, on_text and on_event. */
enum screen_flag {
	SCREEN_IGNORED = 0,
	SCREEN_HANDLED = 1 << 0,
	SCREEN_REDRAW = 1 << 1,
	SCREEN_SWITCH = 1 << 2, /* show ui->next */
	SCREEN_QUIT = 1 << 3,   /* ask the agent whether to quit */
};

enum lookup_state {
	LOOKUP_NONE = 0,
	LOOKUP_CHECKING,
	LOOKUP_FOUND,   /* text is the holder name */
	LOOKUP_FAILED,  /* text is why the account was not checked */
	LOOKUP_NOT_FOUND, /* the central service has no such wallet; text
			     is the message for the agent */
};

/* Filters of the queue screen. The digit key that picks one is its value
 * plus one. */
enum queue_filter {
	QUEUE_FILTER_WAITING = 0, /* queued and in flight */
	QUEUE_FILTER_ATTENTION,
	QUEUE_FILTER_REJECTED,
	QUEUE_FILTER_ACCEPTED,
	QUEUE_FILTER_ALL,
	QUEUE_FILTER_COUNT,
};

/* The receiver lookup, kept by the UI loop from EVENT_LOOKUP so a reply
 * that arrives on any screen is not lost. */
struct ui_lookup {
	enum lookup_state state;
	char account[API_ACCOUNT_SIZE];
	char text[UI_MESSAGE_SIZE];
};

struct ui {
	struct app *app;
	bool too_small;       /* smaller than the compact layout */
	bool compact;         /* the 40x16 layout is in use */
	int rows;             /* content rows of the layout in use */
	int columns;          /* content columns: 80, or 40 when compact */
	int top;              /* screen row of content row 0 */
	int left;             /* screen column of content column 0 */
	enum screen_id current;
	enum screen_id next;  /* set with SCREEN_SWITCH */
	bool quit;
	char fatal[UI_MESSAGE_SIZE]; /* why the UI stopped on an error, for
					stderr once the terminal is back */
	int journal_failures; /* journal polls failed in a row */
	bool dirty;           /* redraw before waiting again */
	struct dialog dialog;
	char notice[UI_COLUMNS]; /* above the help line, cleared by a key:
				    one line, or two in the compact layout */

	/* Handed from the form to the confirmation and result screens. */
	struct wallet_transfer transfer;
	struct ui_lookup lookup;
	char operation_id[JOURNAL_ID_SIZE];

	/* A receiver picked on the find or registration screen for the
	 * transfer form, which takes it in its enter call when `set` and
	 * clears it. A customer whose registration is still pending has no
	 * account yet and is named by customer_id. */
	struct {
		bool set;
		char account[API_ACCOUNT_SIZE];
		char customer_id[JOURNAL_ID_SIZE];
		char name[API_NAME_SIZE];
		char currency[4];
	} payee;

	/* The customer whose profile the customer screen edits: set by the
	 * find screen before it switches to SCREEN_CUSTOMER, which then
	 * opens in edit mode instead of registration. */
	bool edit;
	struct api_customer edit_customer;

	/* Money services: the operation a form hands to
	 * SCREEN_MONEY_CONFIRM. A screen that opens SCREEN_MONEY sets
	 * money.type first (and, for a reversal, money.u.reversal's
	 * original_id), and SCREEN_MONEY starts a fresh form from it. */
	struct money_operation money;

	/* The filter the queue screen opens on, set by the home screen. */
	enum queue_filter queue_filter;

	/* The lock screen. While it is up, the current screen has had its
	 * leave call but keeps its state, and ui->dialog holds only the
	 * lock screen's dialog: an earlier one waits in saved_dialog. */
	enum ui_lock lock;
	int lock_seconds;    /* idle time before UI_LOCK_IDLE */
	time_t last_key;     /* CLOCK_MONOTONIC seconds of the last key */
	bool lookup_retry;   /* look the receiver up again after unlock */
	bool session_retry;  /* the current screen's request met an expired
				session: its on_session gets the outcome */
	struct dialog saved_dialog;

	/* Card input: the card dialog, a swipe being captured and the card
	 * lookup (ui/card_input.c). */
	struct card_input card;
};

/* A screen. Every callback may be NULL. The UI loop calls init once after
 * curses starts, and enter then layout when the screen is shown. It calls
 * layout again after each resize, reload then draw whenever ui->dirty is
 * set, leave before the next screen's enter, and destroy once when the UI
 * stops. */
struct screen {
	const char *name;
	bool cursor;              /* show the terminal cursor */
	unsigned help;            /* UI_HELP_* bits for the help line */
	const char *confirm_word; /* help word for Enter, NULL: "Confirm" */
	const char *back_word;    /* help word for Esc, NULL: "Back" */
	const char *help_keys;    /* the screen's own keys, listed first on
				     the help line, or NULL */
	const char *help_keys_compact; /* the same in the compact layout,
					  or NULL for help_keys */
	bool every_second;        /* reloaded and drawn again every second
				     while shown, for a countdown */

	/* Returns 0, or -1 when curses could not create the screen's
	 * fields or menu. */
	int (*init)(struct screen *screen, struct ui *ui);

	/* `from` is the screen shown before, so a screen can tell a fresh
	 * start from a return. */
	void (*enter)(struct screen *screen, struct ui *ui,
		      enum screen_id from);
	void (*leave)(struct screen *screen, struct ui *ui);

	/* Place windows, forms and menus for the layout in use
	 * (ui->compact, ui->rows and ui->columns), or take them down when
	 * ui->too_small is set. Called again after a resize that may switch
	 * the layout, so it must keep what the agent typed. */
	void (*layout)(struct screen *screen, struct ui *ui);

	/* Reload what events have made stale, such as journal rows on
	 * show. Called once before each draw, so that a burst of events
	 * costs one reload. */
	void (*reload)(struct screen *screen, struct ui *ui);

	/* Draw the content rows from the state, without changing it. */
	void (*draw)(const struct screen *screen, const struct ui *ui);

	/* Handlers return enum screen_flag bits. */
	int (*on_action)(struct screen *screen, struct ui *ui,
			 enum ui_action action);
	int (*on_text)(struct screen *screen, struct ui *ui, wchar_t ch);
	int (*on_event)(struct screen *screen, struct ui *ui,
			const struct event *event);

	/* After ui_session_expired: the agent logged in again online
	 * (renewed), so the screen may send its request again, or left the
	 * lock screen without a new token, so the request is not sent. */
	int (*on_session)(struct screen *screen, struct ui *ui, bool renewed);

	/* Whether the field with the cursor takes a customer's card: a card
	 * or wallet account field, marked `card` in its fieldset_spec. F6
	 * and a swipe typed there then read a card (ui/card_input.c). */
	bool (*takes_card)(const struct screen *screen, const struct ui *ui);

	/* A card read in that field was found linked to account: put the
	 * account number in the field. ui->lookup already holds the wallet
	 * as a found wallet lookup does. */
	int (*on_card)(struct screen *screen, struct ui *ui,
		       const struct api_card_account *account);

	/* The fieldset whose current field takes_card reports, so that a
	 * card number typed there by hand is looked up as a card. */
	struct fieldset *(*card_fields)(struct screen *screen);

	/* The digit picked in the screen's DIALOG_FOR_SCREEN dialog. */
	int (*on_choice)(struct screen *screen, struct ui *ui, int digit);

	void (*destroy)(struct screen *screen);
	void *state;
};

extern struct screen screen_login;
extern struct screen screen_home;
extern struct screen screen_transfer;
extern struct screen screen_confirm;
extern struct screen screen_result;
extern struct screen screen_queue;
extern struct screen screen_password;
extern struct screen screen_customer;
extern struct screen screen_find;
extern struct screen screen_services;
extern struct screen screen_money;
extern struct screen screen_money_confirm;
extern struct screen screen_send;
extern struct screen screen_wallet_info;
extern struct screen screen_float;
extern struct screen screen_report;
extern struct screen screen_lock;

/* Set ui->next and return SCREEN_SWITCH | SCREEN_HANDLED. */
int ui_switch(struct ui *ui, enum screen_id next);

/* Cover the current screen with the lock screen, or change why it is
 * up. UI_LOCK_IDLE replaces UI_LOCK_SESSION, never the other way. */
void ui_lock_start(struct ui *ui, enum ui_lock why);

/* A request of the current screen met an expired session token: cover
 * the screen with the lock screen, which prompts for the password, and tell
 * the screen the outcome through its on_session callback. The screen and
 * its form stay as they are. */
void ui_session_expired(struct ui *ui);

/* Take the lock screen away and show the current screen as it was.
 * new_token: the password was checked online, so a receiver lookup that
 * failed on an expired session is sent again. */
void ui_lock_end(struct ui *ui, bool new_token);

/* Take the lock screen away after Esc on UI_LOCK_SESSION: the lookup
 * that needed the session is marked not checked. */
void ui_lock_cancel(struct ui *ui);

/* Take the lock screen away, end the session and show the login screen.
 * The journal and its queue are kept. */
void ui_lock_logout(struct ui *ui);

/* Drop every key typed but not yet handled, so that a screen that shows
 * a confirmation gets only keys pressed after it showed, not the
 * rest of a paste. Call it from the screen's enter. */
void ui_flush_typeahead(struct ui *ui);

/* Wake the sync worker and report it on the notice line. */
void ui_sync_now(struct ui *ui);

/* The screen that gets keys now: the lock screen while it is up, else
 * the current screen. */
struct screen *ui_active_screen(const struct ui *ui);

/* Hand one key (wget_wch's rc and key) to the open dialog or the active
 * screen, as typed, without card input seeing it first. For keys that
 * card input held back and that turned out not to be a swipe. */
void ui_deliver_key(struct ui *ui, int rc, wint_t key);

/* Return whether the event's id field is exactly id. */
bool ui_event_is_for(const struct event *event, const char *id);

/* Copy the event's text into buf, which always ends up NUL-terminated. */
void ui_event_text(const struct event *event, char *buf, size_t size);

/* Screen row and column of a content position. */
int ui_row(const struct ui *ui, int content_row);
int ui_column(const struct ui *ui, int content_column);

#endif
