/* News for the agent after a round of events: rejections after sending,
 * operations set aside and drawer pulses not made, in a dialog or on the
 * notice line. */
#include <stdio.h>
#include <string.h>

#include "news.h"

void news_note_operation(const struct event *event, struct news *news)
{
	/* Longer than a UUID: not an operation id. */
	if (strnlen(event->id, sizeof(event->id)) >= JOURNAL_ID_SIZE)
		return;
	if (event->status == OP_NEEDS_ATTENTION) {
		news->attention++;
		snprintf(news->attention_id, sizeof(news->attention_id), "%.*s",
			 JOURNAL_ID_SIZE - 1, event->id);
	}
}

/* Write the news as one line for the notice line. */
static void news_line(const struct news *news, char *line, size_t size)
{
	const struct app_print_report *report = &news->rejected;

	if (report->failed > 0)
		snprintf(line, size, "Rejection notice not made: %.48s",
			 report->print_message);
	else if (report->rejected > 0)
		snprintf(line, size,
			 "Spotbanc REJECTED %d operation%s after sending; "
			 "notice%s to print",
			 report->rejected, report->rejected == 1 ? "" : "s",
			 report->rejected == 1 ? "" : "s");
	else
		snprintf(line, size,
			 "%d operation%s need%s attention: see the queue",
			 news->attention, news->attention == 1 ? "" : "s",
			 news->attention == 1 ? "s" : "");
}

/* Write the news as a dialog's text. */
static void news_text(const struct news *news, char *text, size_t size)
{
	const struct app_print_report *report = &news->rejected;
	size_t used = 0;

	if (report->rejected == 1)
		used = (size_t)snprintf(text, size,
					"Spotbanc REJECTED operation %s "
					"after it was sent.\nReason: %s\n",
					report->id, report->reason);
	else if (report->rejected > 1)
		used = (size_t)snprintf(text, size,
					"Spotbanc REJECTED %d operations "
					"after they were sent.\nLatest "
					"reason: %s\n",
					report->rejected, report->reason);
	if (used < size && report->failed > 0)
		used += (size_t)snprintf(text + used, size - used,
					 "Notice not printed: %s. Print it "
					 "from the queue.\n",
					 report->print_message);
	else if (used < size && report->rejected > 0)
		used += (size_t)snprintf(text + used, size - used,
					 "A rejection notice was sent to the "
					 "printer%s.\n",
					 report->rejected == 1 ? ""
							       : " for each");
	if (used < size && news->attention == 1)
		used += (size_t)snprintf(text + used, size - used,
					 "Operation %s needs your attention: "
					 "it is not sent again on its own.\n",
					 news->attention_id);
	else if (used < size && news->attention > 1)
		used += (size_t)snprintf(text + used, size - used,
					 "%d operations need your attention: "
					 "they are not sent again on their "
					 "own.\n",
					 news->attention);
	if (used < size)
		snprintf(text + used, size - used,
			 "Review in the queue: 2 on the home screen.");
}

/* The last operation set aside that news_tell announced. */
static char news_announced_id[JOURNAL_ID_SIZE];

void news_tell(struct ui *ui, const struct news *news)
{
	const struct app_print_report *report = &news->rejected;
	char text[DIALOG_TEXT_SIZE];
	bool result_shows_it = ui->current == SCREEN_RESULT &&
			       news->attention == 0 && report->rejected == 1 &&
			       strcmp(report->id, ui->operation_id) == 0;

	/* A drawer pulse not made: the agent opens the drawer by hand.
	 * News below that replaces it on the notice line is more urgent. */
	if (report->drawer_message[0] != '\0') {
		snprintf(ui->notice, sizeof(ui->notice), "%.*s",
			 (int)sizeof(ui->notice) - 1, report->drawer_message);
		ui->dirty = true;
	}
	if (report->rejected == 0 && news->attention == 0)
		return;

	/* The journal poll reports the operation that the result or customer
	 * screen shows again after each change of the journal, so an
	 * operation set aside is announced once. */
	if (report->rejected == 0 && news->attention == 1 &&
	    strcmp(news->attention_id, news_announced_id) == 0)
		return;
	if (news->attention > 0)
		snprintf(news_announced_id, sizeof(news_announced_id), "%s",
			 news->attention_id);
	ui->dirty = true;

	/* Home and the queue list them, the result screen shows its own
	 * operation, and a dialog must not replace one that is open. */
	if (ui->dialog.open || ui->current == SCREEN_HOME ||
	    ui->current == SCREEN_QUEUE || result_shows_it) {
		news_line(news, ui->notice, sizeof(ui->notice));
		return;
	}
	news_text(news, text, sizeof(text));
	dialog_tell(&ui->dialog,
		    report->rejected > 0 ? "Rejected" : "Needs attention",
		    text);

	/* The agent may be typing into a form, and those keys must not
	 * close the dialog before it is read. */
	dialog_guard(&ui->dialog);
}
