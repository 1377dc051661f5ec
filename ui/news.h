/* News for the agent after a round of events: rejections after sending
 * and operations set aside. */
#ifndef SPOTAGENT_UI_NEWS_H
#define SPOTAGENT_UI_NEWS_H

#include "screen.h"

/* News gathered from one round of events. */
struct news {
	struct app_print_report rejected;   /* from app_print_due */
	int attention;                      /* operations set aside */
	char attention_id[JOURNAL_ID_SIZE]; /* the last of them */
};

/* Count an EVENT_OPERATION that set an operation aside. Receipts and
 * rejection notices are printed by app_apply_event. */
void news_note_operation(const struct event *event, struct news *news);

/* Tell the agent the news: in a dialog where nothing else shows it,
 * else on the notice line. Does nothing when there is none. */
void news_tell(struct ui *ui, const struct news *news);

#endif
