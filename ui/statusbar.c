/* The status bar. The link state is always written as a word (ONLINE or
 * OFFLINE), and colour only adds to it. An offline login shows as
 * OFFLINE LOGIN after the agent, or "(offline)" in the compact form. */
#include <stdio.h>

#include "draw.h"
#include "statusbar.h"
#include "theme.h"

/* The agent part before login, longest first: the bar shows the first
 * that fits beside the counters, which at 40 columns leave it 10 to 15
 * columns. The empty text is for counters that take the whole bar. */
static const char *const logged_out_texts[] = {
	"not logged in",
	"logged out",
	"",
};

/* The card reader part, empty when no reader is connected or [card]
 * disables them, so that a terminal without one keeps its bar: " C:card"
 * compact, "  Reader card in" wide. The compact words are the shortest
 * that read clearly, because each column comes off the agent ID. */
static void card_text(enum card_reader_state state, bool compact, char *out,
		      size_t size)
{
	static const struct {
		const char *compact;
		const char *wide;
	} words[] = {
		[CARD_READER_NONE] = { "", "" },
		[CARD_READER_READY] = { "ok", "ready" },
		[CARD_READER_CARD] = { "card", "card in" },
		[CARD_READER_READING] = { "wait", "waiting" },
		[CARD_READER_FAULT] = { "FAULT", "FAULT" },
	};

	out[0] = '\0';
	if (state <= CARD_READER_NONE || state > CARD_READER_FAULT)
		return;
	snprintf(out, size, compact ? " C:%s" : "  Reader %s",
		 compact ? words[state].compact : words[state].wide);
}

/* The longest agent part before login that fits width columns. */
static const char *logged_out_text(int width)
{
	size_t count = sizeof(logged_out_texts) / sizeof(logged_out_texts[0]);

	for (size_t i = 0; i + 1 < count; i++) {
		if (draw_text_width(logged_out_texts[i]) <= width)
			return logged_out_texts[i];
	}
	return logged_out_texts[count - 1];
}

void statusbar_draw(const struct app *app, time_t now, bool compact)
{
	const struct app_status *status = &app->status;
	const char *agent = logged_out_texts[0];
	char agent_text[API_NAME_SIZE + 16];
	const char *link = status->online ? "ONLINE" : "OFFLINE";
	attr_t bar = theme_attr(THEME_BAR);
	attr_t link_attr = status->online ? bar : theme_attr(THEME_OFFLINE);
	long long queued = (long long)(status->counts[OP_QUEUED] +
				       status->counts[OP_IN_FLIGHT]);
	long long attention = (long long)status->counts[OP_NEEDS_ATTENTION];
	const char *printer = printer_state_name(status->printer);
	long long held = (long long)status->print_held;
	char attention_text[40] = "";
	char held_text[32] = "";
	char reader_text[32];
	char right[160];
	char clock[8] = "--:--";
	struct tm local;
	int right_width;
	int agent_width;
	int x;

	if (app->session.logged_in)
		agent = app->session.agent_name[0] != '\0' && !compact
				? app->session.agent_name
				: app->session.agent_id;

	/* Words, not only colour, say that no token backs the session. */
	if (app->session.logged_in && app->session.offline) {
		snprintf(agent_text, sizeof(agent_text), "%s%s", agent,
			 compact ? " (offline)" : "  OFFLINE LOGIN");
		agent = agent_text;
	}
	if (localtime_r(&now, &local) != NULL)
		strftime(clock, sizeof(clock), "%H:%M", &local);

	/* Operations that need attention wait for the agent outside the
	 * queue, so the bar counts them on every screen.
	 * NOTE: at 40 columns this leaves the agent 11 or 12 columns, which
	 * clips the "(offline)" of an offline login. */
	if (attention > 0)
		snprintf(attention_text, sizeof(attention_text),
			 compact ? " A%lld" : "  Attention %lld",
			 attention);
	/* Held print jobs wait for the agent's word, like attention. */
	if (held > 0)
		snprintf(held_text, sizeof(held_text),
			 compact ? " H%lld" : " (%lld held)", held);
	card_text(status->card_reader, compact, reader_text,
		  sizeof(reader_text));
	if (compact)
		snprintf(right, sizeof(right), " Q%lld%s P:%s%s%s %s", queued,
			 attention_text, printer, held_text, reader_text,
			 clock);
	else
		snprintf(right, sizeof(right),
			 "  Queue %lld%s  Printer %s%s%s  %s ", queued,
			 attention_text, printer, held_text, reader_text,
			 clock);

	mvwhline(stdscr, 0, 0, ' ' | bar, COLS);

	/* The right part is drawn last so it always shows in full, and a
	 * long agent name is clipped instead. */
	right_width = draw_text_width(right) + draw_text_width(link) + 1;
	x = compact ? 0
		    : draw_text(stdscr, 0, 0, COLS, bar | A_BOLD,
				" spotagent  ");
	agent_width = COLS - x - right_width - 1;
	if (!app->session.logged_in)
		agent = logged_out_text(agent_width);
	draw_text(stdscr, 0, x, agent_width, bar, agent);
	x = COLS - right_width;
	if (x < 0)
		x = 0;
	x += draw_text(stdscr, 0, x, 1, bar, " ");
	x += draw_text(stdscr, 0, x, COLS - x, link_attr, link);
	draw_text(stdscr, 0, x, COLS - x, bar, right);
}
