/* The words for each operation type (API_TYPE_*) that receipts, the
 * end-of-day report, summaries and the queue show the agent. */
#ifndef SPOTAGENT_OP_TYPE_H
#define SPOTAGENT_OP_TYPE_H

#include <stdbool.h>
#include <stddef.h>

struct op_type_words {
	const char *type;        /* API_TYPE_* as stored in the journal */
	const char *title;       /* receipts, report and summaries */
	const char *label;       /* at most 16 columns: queue list, details */
	const char *short_label; /* at most 8 columns: compact queue list */
	bool money;              /* moves money, so it has a money receipt */
};

/* Return the words of operation type `type`, or NULL for a type this
 * terminal does not know. The result is static. */
const struct op_type_words *op_type_find(const char *type);

/* Return the words of the index-th type of the table, or NULL when index
 * is past the last, so that a caller can visit every type the terminal
 * journals. The result is static. */
const struct op_type_words *op_type_at(size_t index);

/* Return the title of `type`, or `type` itself when it is unknown. */
const char *op_type_title(const char *type);

#endif
