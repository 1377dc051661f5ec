/* Unit tests of the receipt layout for 58 mm and 80 mm paper in every
 * operation state, and of its ESC/POS encoding as a customer reads it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../app/api.h"
#include "../../app/api_money.h"
#include "../../app/receipt.h"
#include "../support/escpos_decode.h"

/* 2026-12-04 15:00:00 UTC */
#define CREATED_AT 1796396400
#define OPERATION_ID "5f0c2a9e-7b3d-4c1a-9e8f-1a2b3c4d5e6f"
#define REFERENCE "SPB-20261204-000417"
#define REASON "Receiver wallet is closed"

static const struct receipt_context default_context = {
	.terminal_id = "T-0001",
	.agent_name = "Ama Mensah",
	.copy = false,
};

/* Fill op as a journal row of a GHS 1,234.50 wallet transfer. Reference
 * and reason are set in every state so that tests can check that a
 * receipt shows them only when the state allows. */
static void make_operation(struct operation *op, enum op_state state,
			   const char *sender)
{
	struct wallet_transfer transfer = {
		.sender = "0244000001",
		.receiver = "0554000002",
		.currency = "GHS",
		.amount = 123450,
	};

	memset(op, 0, sizeof(*op));
	if (sender != NULL)
		snprintf(transfer.sender, sizeof(transfer.sender), "%s",
			 sender);
	strcpy(op->id, OPERATION_ID);
	strcpy(op->type, API_TYPE_WALLET_TRANSFER);
	op->state = state;
	strcpy(op->agent_id, "AG-1001");
	strcpy(op->currency, "GHS");
	op->amount = 123450;
	assert_int_equal(api_wallet_transfer_encode(&transfer, op->payload,
						    sizeof(op->payload)),
			 0);
	op->created_at = CREATED_AT;
	op->updated_at = CREATED_AT;
	strcpy(op->reference, REFERENCE);
	strcpy(op->last_error, REASON);
}

/* Number of code points in valid UTF-8 text. */
static int count_code_points(const char *text)
{
	int count = 0;

	for (; *text != '\0'; text++)
		count += ((unsigned char)*text & 0xC0) != 0x80;
	return count;
}

/* Index of the first line that starts with prefix, or -1. */
static int find_line(const struct receipt *receipt, const char *prefix)
{
	for (int i = 0; i < receipt->count; i++) {
		if (strncmp(receipt->lines[i].text, prefix, strlen(prefix)) ==
		    0)
			return i;
	}
	return -1;
}

static bool receipt_contains(const struct receipt *receipt,
			     const char *needle)
{
	for (int i = 0; i < receipt->count; i++) {
		if (strstr(receipt->lines[i].text, needle) != NULL)
			return true;
	}
	return false;
}

/* Join the value of the pair line at index and its continuation lines,
 * with `separator` between the pieces, into out. */
static void join_value(const struct receipt *receipt, int index,
		       const char *separator, char *out, size_t size)
{
	out[0] = '\0';
	for (int i = index; i < receipt->count; i++) {
		const char *text = receipt->lines[i].text;
		const char *value;

		if (i > index && text[0] != ' ')
			break;
		if (i > index)
			strncat(out, separator, size - strlen(out) - 1);
		/* The value starts after the label and the padding. */
		value = text + strcspn(text, " ");
		value += strspn(value, " ");
		strncat(out, value, size - strlen(out) - 1);
	}
}

/* Join the plain lines of the paragraph that starts at index. */
static void join_paragraph(const struct receipt *receipt, int index,
			   char *out, size_t size)
{
	out[0] = '\0';
	for (int i = index; i < receipt->count; i++) {
		if (receipt->lines[i].style != RECEIPT_STYLE_PLAIN)
			break;
		if (i > index)
			strncat(out, " ", size - strlen(out) - 1);
		strncat(out, receipt->lines[i].text, size - strlen(out) - 1);
	}
}

/* Join the lines of the style of the line at index that follow it. */
static void join_paragraph_style(const struct receipt *receipt, int index,
				 char *out, size_t size)
{
	out[0] = '\0';
	for (int i = index; i < receipt->count; i++) {
		if (receipt->lines[i].style != receipt->lines[index].style)
			break;
		if (i > index)
			strncat(out, " ", size - strlen(out) - 1);
		strncat(out, receipt->lines[i].text, size - strlen(out) - 1);
	}
}

static void check_widths(const struct receipt *receipt, int columns)
{
	assert_int_equal(receipt->columns, columns);
	assert_true(receipt->count > 0);
	assert_true(receipt->count <= RECEIPT_LINES_MAX);
	for (int i = 0; i < receipt->count; i++) {
		const char *text = receipt->lines[i].text;

		if (count_code_points(text) > columns)
			print_error("line %d \"%s\"\n", i, text);
		assert_true(count_code_points(text) <= columns);
		for (const char *p = text; *p != '\0'; p++)
			assert_true((unsigned char)*p >= 0x20 &&
				    (unsigned char)*p != 0x7F);
	}
}

struct expected_receipt {
	enum op_state state;
	int columns;
	const char *lines[32];
};

static const struct expected_receipt exact_cases[] = {
	{
		OP_ACCEPTED,
		32,
		{
			"SPOTBANC",
			"Wallet transfer",
			"--------------------------------",
			"Date        2026-12-04 15:00 UTC",
			"Terminal                  T-0001",
			"Agent                 Ama Mensah",
			"From                  0244000001",
			"To                    0554000002",
			"Operation    5f0c2a9e-7b3d-4c1a-",
			"               9e8f-1a2b3c4d5e6f",
			"--------------------------------",
			"Amount              GHS 1,234.50",
			"--------------------------------",
			"Status                 CONFIRMED",
			"Reference    SPB-20261204-000417",
			"--------------------------------",
			"Keep this receipt",
			NULL,
		},
	},
	{
		OP_QUEUED,
		48,
		{
			"SPOTBANC",
			"Wallet transfer",
			"------------------------------------------------",
			"Date                        2026-12-04 15:00 UTC",
			"Terminal                                  T-0001",
			"Agent                                 Ama Mensah",
			"From                                  0244000001",
			"To                                    0554000002",
			"Operation   5f0c2a9e-7b3d-4c1a-9e8f-1a2b3c4d5e6f",
			"------------------------------------------------",
			"Amount                              GHS 1,234.50",
			"------------------------------------------------",
			"Status                                   PENDING",
			"Not yet confirmed by Spotbanc",
			"------------------------------------------------",
			"Keep this receipt",
			NULL,
		},
	},
};

static void test_layout_exact_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(exact_cases) / sizeof(*exact_cases);
	     i++) {
		const struct expected_receipt *c = &exact_cases[i];
		struct operation op;
		struct receipt receipt;
		int count = 0;

		make_operation(&op, c->state, NULL);
		assert_int_equal(receipt_layout(&op, &default_context,
						c->columns, &receipt),
				 0);
		while (c->lines[count] != NULL)
			count++;
		assert_int_equal(receipt.count, count);
		for (int j = 0; j < count; j++)
			assert_string_equal(receipt.lines[j].text,
					    c->lines[j]);
	}
}

static void test_layout_styles(void **state)
{
	struct operation op;
	struct receipt receipt;
	int amount;

	(void)state;
	make_operation(&op, OP_ACCEPTED, NULL);
	assert_int_equal(receipt_layout(&op, &default_context, 32, &receipt),
			 0);
	assert_int_equal(receipt.lines[0].style, RECEIPT_STYLE_CENTER);
	assert_int_equal(receipt.lines[1].style, RECEIPT_STYLE_CENTER);
	assert_int_equal(receipt.lines[2].style, RECEIPT_STYLE_RULE);
	assert_int_equal(receipt.lines[3].style, RECEIPT_STYLE_PLAIN);
	amount = find_line(&receipt, "Amount");
	assert_true(amount > 0);
	assert_int_equal(receipt.lines[amount].style, RECEIPT_STYLE_TOTAL);
	assert_int_equal(receipt.lines[receipt.count - 1].style,
			 RECEIPT_STYLE_CENTER);
}

struct state_case {
	enum op_state state;
	const char *status; /* value of the Status line */
	bool reference;     /* reference printed */
	bool reason;        /* rejection reason printed */
};

static const struct state_case state_cases[] = {
	{OP_QUEUED, "PENDING", false, false},
	{OP_IN_FLIGHT, "PENDING", false, false},
	{OP_ACCEPTED, "CONFIRMED", true, false},
	{OP_REJECTED, "REJECTED", false, true},
	{OP_NEEDS_ATTENTION, "NEEDS ATTENTION", false, false},
};

static const int widths[] = {RECEIPT_COLUMNS_58MM, RECEIPT_COLUMNS_80MM};

static void check_state(const struct state_case *c, int columns)
{
	struct operation op;
	struct receipt receipt;
	const char *status_text;
	int status;

	make_operation(&op, c->state, NULL);
	assert_int_equal(receipt_layout(&op, &default_context, columns,
					&receipt),
			 0);
	check_widths(&receipt, columns);

	status = find_line(&receipt, "Status ");
	assert_true(status >= 0);
	status_text = receipt.lines[status].text;
	assert_string_equal(status_text + strlen(status_text) -
				    strlen(c->status),
			    c->status);
	assert_int_equal(receipt_contains(&receipt, "CONFIRMED"),
			 c->state == OP_ACCEPTED);
	assert_int_equal(receipt_contains(&receipt, "PENDING"),
			 c->state == OP_QUEUED || c->state == OP_IN_FLIGHT);
	assert_int_equal(receipt_contains(&receipt, REFERENCE), c->reference);
	assert_int_equal(find_line(&receipt, "Reference ") >= 0,
			 c->reference);
	assert_int_equal(receipt_contains(&receipt, REASON), c->reason);
	assert_int_equal(receipt_contains(&receipt, "*** COPY ***"), false);
}

static void test_layout_every_state(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(state_cases) / sizeof(*state_cases);
	     i++) {
		for (size_t j = 0; j < sizeof(widths) / sizeof(*widths); j++) {
			print_message("state %d, %d columns\n",
				      (int)state_cases[i].state, widths[j]);
			check_state(&state_cases[i], widths[j]);
		}
	}
}

static void test_layout_long_reason_wraps(void **state)
{
	static const char reason[] =
		"The receiver wallet 0554000002 is closed by its holder, so "
		"the central service rejected the transfer; ask the customer "
		"for another wallet account number and start a new transfer";
	char joined[512];
	struct operation op;
	struct receipt receipt;

	(void)state;
	for (size_t j = 0; j < sizeof(widths) / sizeof(*widths); j++) {
		make_operation(&op, OP_REJECTED, NULL);
		strcpy(op.last_error, reason);
		assert_int_equal(receipt_layout(&op, &default_context,
						widths[j], &receipt),
				 0);
		check_widths(&receipt, widths[j]);
		join_paragraph(&receipt, find_line(&receipt, "Status ") + 1,
			       joined, sizeof(joined));
		assert_string_equal(joined, reason);
	}
}

static void test_layout_long_values_wrap(void **state)
{
	static const char agent[] =
		"Abena \xc6\x90" "fua \xe1\xbb\x8cl\xc3\xa1" "b\xc3\xad"
		"s\xc3\xad Mensah-Boateng Owusu-Ansah";
	struct receipt_context context = default_context;
	char joined[256];
	struct operation op;
	struct receipt receipt;
	int index;

	(void)state;
	context.agent_name = agent;
	for (size_t j = 0; j < sizeof(widths) / sizeof(*widths); j++) {
		make_operation(&op, OP_QUEUED, NULL);
		assert_int_equal(receipt_layout(&op, &context, widths[j],
						&receipt),
				 0);
		check_widths(&receipt, widths[j]);

		index = find_line(&receipt, "Operation ");
		assert_true(index >= 0);
		join_value(&receipt, index, "", joined, sizeof(joined));
		assert_string_equal(joined, OPERATION_ID);

		index = find_line(&receipt, "Agent ");
		assert_true(index >= 0);
		/* Open E and O with dot below are in no code page of the
		 * generic 80 mm printer; the accented vowels are in CP437. */
		join_value(&receipt, index, " ", joined, sizeof(joined));
		assert_string_equal(joined,
				    "Abena Efua Ol\xc3\xa1" "b\xc3\xad"
				    "s\xc3\xad Mensah-Boateng Owusu-Ansah");
	}
}

/* Pair lines are padded to the full width, counted in code points. */
static void test_layout_utf8_width(void **state)
{
	struct receipt_context context = default_context;
	struct operation op;
	struct receipt receipt;
	int index;

	(void)state;
	context.agent_name = "\xc6\x90" "fua \xc5\x8a\xc3\xa9";
	make_operation(&op, OP_QUEUED, NULL);
	assert_int_equal(receipt_layout(&op, &context, 32, &receipt), 0);
	index = find_line(&receipt, "Agent ");
	assert_true(index >= 0);
	assert_string_equal(receipt.lines[index].text,
			    "Agent                    Efua N\xc3\xa9");
	assert_int_equal(count_code_points(receipt.lines[index].text), 32);
}

struct clean_case {
	const char *name;
	const char *agent;
	const char *expected;
};

/* Text from the agent or the network loses its control characters. */
static const struct clean_case clean_cases[] = {
	{"ESC @", "Ama\x1b@Mensah", "Ama@Mensah"},
	{"line break", "Ama\r\nMensah", "Ama  Mensah"},
	{"C1 NEL", "Ama\xc2\x85Mensah", "AmaMensah"},
	{"bidi override", "Ama\xe2\x80\xaeMensah", "AmaMensah"},
	{"invalid UTF-8", "Ama\xff", "Ama?"},
};

static void test_layout_cleans_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(clean_cases) / sizeof(*clean_cases);
	     i++) {
		struct receipt_context context = default_context;
		struct operation op;
		struct receipt receipt;
		const char *text;
		int index;

		context.agent_name = clean_cases[i].agent;
		make_operation(&op, OP_QUEUED, NULL);
		assert_int_equal(receipt_layout(&op, &context, 48, &receipt),
				 0);
		check_widths(&receipt, 48);
		index = find_line(&receipt, "Agent ");
		assert_true(index >= 0);
		text = receipt.lines[index].text;
		print_message("case \"%s\"\n", clean_cases[i].name);
		assert_string_equal(text + strlen(text) -
					    strlen(clean_cases[i].expected),
				    clean_cases[i].expected);
	}
}

static void test_layout_copy_marker(void **state)
{
	struct receipt_context context = default_context;
	struct operation op;
	struct receipt receipt;

	(void)state;
	context.copy = true;
	make_operation(&op, OP_ACCEPTED, NULL);
	assert_int_equal(receipt_layout(&op, &context, 32, &receipt), 0);
	assert_string_equal(receipt.lines[2].text, "*** COPY ***");
	assert_int_equal(receipt.lines[2].style, RECEIPT_STYLE_CENTER);
	assert_int_equal(receipt.lines[3].style, RECEIPT_STYLE_RULE);
}

static void test_layout_agent_id_fallback(void **state)
{
	struct receipt_context context = default_context;
	struct operation op;
	struct receipt receipt;
	int index;

	(void)state;
	context.agent_name = NULL;
	make_operation(&op, OP_QUEUED, NULL);
	assert_int_equal(receipt_layout(&op, &context, 32, &receipt), 0);
	index = find_line(&receipt, "Agent ");
	assert_true(index >= 0);
	assert_string_equal(receipt.lines[index].text,
			    "Agent                    AG-1001");
}

static void test_layout_unsupported_width(void **state)
{
	static const int bad_widths[] = {0, -32, 31, 40, 42, 80};
	struct operation op;
	struct receipt receipt;

	(void)state;
	make_operation(&op, OP_ACCEPTED, NULL);
	for (size_t i = 0; i < sizeof(bad_widths) / sizeof(*bad_widths);
	     i++)
		assert_int_equal(receipt_layout(&op, &default_context,
						bad_widths[i], &receipt),
				 -1);
}

static void test_layout_corrupt_payload(void **state)
{
	static const char *const payloads[] = {
		"",
		"not json",
		"{}",
		"[1, 2]",
		"{\"sender_account\": \"0244000001\"}",
	};
	struct operation op;
	struct receipt receipt;

	(void)state;
	for (size_t i = 0; i < sizeof(payloads) / sizeof(*payloads); i++) {
		make_operation(&op, OP_ACCEPTED, NULL);
		strcpy(op.payload, payloads[i]);
		assert_int_equal(receipt_layout(&op, &default_context, 32,
						&receipt),
				 -1);
	}
}

/* Changes that make an accepted wallet transfer's row one that
 * receipt_layout rejects. */
static void set_unknown_type(struct operation *op)
{
	strcpy(op->type, "loan_repayment");
}

/* A wallet transfer's payload under the name of a type whose fields it
 * lacks (a bank transfer names a bank and account). */
static void set_type_without_fields(struct operation *op)
{
	strcpy(op->type, "bank_transfer");
}

static void set_state_out_of_range(struct operation *op)
{
	op->state = (enum op_state)OP_STATE_COUNT;
}

/* The payload must agree with the row's amount and currency. */
static void set_other_amount(struct operation *op)
{
	op->amount = 999;
}

static void set_other_currency(struct operation *op)
{
	strcpy(op->currency, "NGN");
}

static void set_unterminated_reference(struct operation *op)
{
	memset(op->reference, 'R', sizeof(op->reference));
}

struct bad_row_case {
	const char *name;
	void (*change)(struct operation *op);
};

static const struct bad_row_case bad_row_cases[] = {
	{"unknown type", set_unknown_type},
	{"type without its fields", set_type_without_fields},
	{"state out of range", set_state_out_of_range},
	{"amount not in the payload", set_other_amount},
	{"currency not in the payload", set_other_currency},
	{"unterminated reference", set_unterminated_reference},
};

static void test_layout_rejects_bad_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_row_cases) / sizeof(*bad_row_cases);
	     i++) {
		struct operation op;
		struct receipt receipt;

		print_message("case: %s\n", bad_row_cases[i].name);
		make_operation(&op, OP_ACCEPTED, NULL);
		bad_row_cases[i].change(&op);
		assert_int_equal(receipt_layout(&op, &default_context, 32,
						&receipt),
				 -1);
	}
}

/* Values are never cut, so a value that needs more lines than a receipt
 * has fails the layout: one that fills the lines, and one longer than any
 * receipt can contain. */
static void test_layout_too_many_lines(void **state)
{
	static const size_t lengths[] = {
		RECEIPT_LINES_MAX * RECEIPT_COLUMNS_58MM,
		4 * RECEIPT_LINES_MAX * RECEIPT_COLUMNS_80MM + 1,
	};
	struct receipt_context context = default_context;
	struct operation op;
	struct receipt receipt;

	(void)state;
	for (size_t i = 0; i < sizeof(lengths) / sizeof(*lengths); i++) {
		char *agent = malloc(lengths[i] + 1);

		assert_non_null(agent);
		memset(agent, 'A', lengths[i]);
		agent[lengths[i]] = '\0';
		context.agent_name = agent;
		make_operation(&op, OP_QUEUED, NULL);
		assert_int_equal(receipt_layout(&op, &context, 32, &receipt),
				 -1);
		free(agent);
	}
}

/* A transfer to a customer whose registration is pending, named in the
 * "To" line by name, else as a new customer with a short id. */
static void test_layout_receiver_by_customer_id(void **state)
{
	static const struct {
		const char *name;     /* receiver_name in the payload */
		const char *expected; /* value of the "To" line */
	} cases[] = {
		{ "Esi Owusu", "Esi Owusu" },
		{ "Ἀθηνᾶ Παπαδοπούλου",
		  "Athina Papadopoyloy" },
		{ "", "new customer 6a5b4c3d" },
		{ "   ", "new customer 6a5b4c3d" },
	};
	struct wallet_transfer transfer = {
		.sender = "0244000001",
		.receiver_customer_id = "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d",
		.currency = "GHS",
		.amount = 123450,
	};
	struct receipt receipt;
	struct operation op;
	char value[256];
	int index;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		make_operation(&op, OP_QUEUED, NULL);
		snprintf(transfer.receiver_name, sizeof(transfer.receiver_name),
			 "%s", cases[i].name);
		assert_int_equal(api_wallet_transfer_encode(&transfer,
							    op.payload,
							    sizeof(op.payload)),
				 0);
		assert_int_equal(receipt_layout(&op, &default_context,
						RECEIPT_COLUMNS_58MM,
						&receipt),
				 0);
		check_widths(&receipt, RECEIPT_COLUMNS_58MM);
		index = find_line(&receipt, "To ");
		assert_true(index >= 0);
		join_value(&receipt, index, " ", value, sizeof(value));
		assert_string_equal(value, cases[i].expected);
	}
}

static void test_encode_small_receipt(void **state)
{
	static const unsigned char expected[] = {
		0x1B, 0x40, 0x1B, 0x74, 0x00,             /* reset, CP437 */
		0x1B, 0x61, 0x01, 'H', 'I', 0x0A,         /* centre */
		0x1B, 0x61, 0x00, 0x1B, 0x45, 0x01,       /* total: bold */
		0x1D, 0x21, 0x01, 0xE1, '=',  '5',        /* double height */
		0x1D, 0x21, 0x00, 0x1B, 0x45, 0x00, 0x0A,
		0x1B, 0x61, 0x00,                         /* rule of 32 */
		'-', '-', '-', '-', '-', '-', '-', '-',
		'-', '-', '-', '-', '-', '-', '-', '-',
		'-', '-', '-', '-', '-', '-', '-', '-',
		'-', '-', '-', '-', '-', '-', '-', '-',
		0x0A,
		0x1B, 0x61, 0x00, 'o', 'k', 0x0A,         /* plain */
		0x1B, 0x64, 0x03, 0x1D, 0x56, 0x42, 0x03, /* feed, cut */
	};
	struct receipt receipt = {.columns = 32, .count = 4, .codes_line = -1};
	struct escpos_buf buf;

	(void)state;
	receipt.lines[0].style = RECEIPT_STYLE_CENTER;
	strcpy(receipt.lines[0].text, "HI");
	receipt.lines[1].style = RECEIPT_STYLE_TOTAL;
	strcpy(receipt.lines[1].text, "\xc3\x9f=5"); /* sharp s, CP437 E1 */
	receipt.lines[2].style = RECEIPT_STYLE_RULE;
	receipt.lines[3].style = RECEIPT_STYLE_PLAIN;
	strcpy(receipt.lines[3].text, "ok");

	escpos_init(&buf);
	assert_int_equal(receipt_encode(&receipt, &buf), 0);
	assert_int_equal(buf.len, sizeof(expected));
	assert_memory_equal(buf.data, expected, sizeof(expected));
	escpos_free(&buf);
}

static bool job_contains_at(const struct escpos_buf *buf, size_t offset,
			    const void *bytes, size_t len)
{
	return offset + len <= buf->len &&
	       memcmp(buf->data + offset, bytes, len) == 0;
}

static void test_encode_layout(void **state)
{
	static const unsigned char cut[] = {0x1B, 0x64, 0x03,
					    0x1D, 0x56, 0x42, 0x03};
	static const unsigned char bold_amount[] = {
		0x1B, 0x45, 0x01, 0x1D, 0x21, 0x01, 'A', 'm', 'o',
	};
	struct operation op;
	struct receipt receipt;
	struct escpos_buf buf;

	(void)state;
	for (size_t j = 0; j < sizeof(widths) / sizeof(*widths); j++) {
		make_operation(&op, OP_ACCEPTED, NULL);
		assert_int_equal(receipt_layout(&op, &default_context,
						widths[j], &receipt),
				 0);
		escpos_init(&buf);
		assert_int_equal(receipt_encode(&receipt, &buf), 0);
		assert_true(job_contains_at(&buf, 0, "\x1b\x40", 2));
		assert_true(job_contains_at(&buf, buf.len - sizeof(cut), cut,
					    sizeof(cut)));
		assert_non_null(memmem(buf.data, buf.len, bold_amount,
				       sizeof(bold_amount)));
		assert_non_null(memmem(buf.data, buf.len, "GHS 1,234.50", 12));
		escpos_free(&buf);
	}
}

/* An agent name and an account carrying ESC @ reach the job only as text:
 * the reset sequence appears once, at the start, where the encoder put it. */
static void test_encode_blocks_injection(void **state)
{
	struct receipt_context context = default_context;
	struct operation op;
	struct receipt receipt;
	struct escpos_buf buf;
	const unsigned char *found;

	(void)state;
	context.agent_name = "Ama\x1b\x40Mensah\x1d\x56\x42";
	make_operation(&op, OP_ACCEPTED, "0244\x1b\x40" "01");
	assert_int_equal(receipt_layout(&op, &context, 32, &receipt), 0);
	escpos_init(&buf);
	assert_int_equal(receipt_encode(&receipt, &buf), 0);

	assert_true(job_contains_at(&buf, 0, "\x1b\x40", 2));
	found = memmem(buf.data + 1, buf.len - 1, "\x1b\x40", 2);
	assert_null(found);
	assert_non_null(memmem(buf.data, buf.len, "Ama@MensahVB", 12));
	assert_non_null(memmem(buf.data, buf.len, "0244@01", 7));
	escpos_free(&buf);
}

static void test_encode_sticky_error(void **state)
{
	struct operation op;
	struct receipt receipt;
	struct escpos_buf buf;

	(void)state;
	make_operation(&op, OP_QUEUED, NULL);
	assert_int_equal(receipt_layout(&op, &default_context, 32, &receipt),
			 0);
	escpos_init(&buf);
	buf.error = ESCPOS_ENOMEM;
	assert_int_equal(receipt_encode(&receipt, &buf), ESCPOS_ENOMEM);
	assert_int_equal(buf.len, 0);
	escpos_free(&buf);
}

/* --- Money operations other than a wallet transfer --- */

#define CASH_OUT_CODE "493817"
#define LONG_HOLDER                                                        \
	"Oluwaseun Adebayo-Okonkwo Chukwuemeka Ifeanyichukwu Babatunde"

/* Fill op as a journal row of type with the payload encoded from the
 * matching member of the structs below. */
static void make_money_operation(struct operation *op, const char *type,
				 enum op_state state, const char *holder)
{
	struct cash_in cash_in = {.receiver = "1000000002",
				  .receiver_name = "Kofi Boateng",
				  .currency = "GHS",
				  .amount = 10000,
				  .fee = 0};
	struct cash_out cash_out = {.sender = "1000000001",
				    .holder_name = "Kofi Boateng",
				    .currency = "GHS",
				    .amount = 5000,
				    .fee = 50,
				    .code = CASH_OUT_CODE};
	struct bank_transfer bank = {.funding = API_FUNDING_CASH,
				     .bank_code = "058",
				     .bank_name = "Guaranty Trust Bank",
				     .account_number = "0123456789",
				     .account_name = "Adaeze Nwosu",
				     .currency = "NGN",
				     .amount = 500000,
				     .fee = 1075};
	struct send_money send = {
		.quote_id = "7c9e6679-7425-40de-944b-e07fc1f90ae7",
		.funding = API_FUNDING_WALLET,
		.sender = "1000000001",
		.receiver_name = "Adaeze Nwosu",
		.receiver_phone = "+2348030000009",
		.receiver_account = "0123456789",
		.country = "NG",
		.method = "bank_deposit",
		.rate = "123.456000",
		.currency = "GHS",
		.amount = 100000,
		.fee = 2000,
		.receive_currency = "NGN",
		.receive_amount = 12345600,
	};
	struct reversal reversal = {
		.original_id = "9b2f3c4d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
		.original_type = "cash_out",
		.original_reference = "SBX-000045",
		.reason = "Wrong wallet number",
		.currency = "GHS",
		.amount = 5000,
		.refunded_fee = 50,
	};
	char *payload = op->payload;
	size_t size = sizeof(op->payload);
	int rc = -1;

	memset(op, 0, sizeof(*op));
	if (holder != NULL) {
		snprintf(bank.account_name, sizeof(bank.account_name), "%s",
			 holder);
		snprintf(cash_out.holder_name, sizeof(cash_out.holder_name),
			 "%s", holder);
	}
	strcpy(op->id, OPERATION_ID);
	snprintf(op->type, sizeof(op->type), "%s", type);
	op->state = state;
	strcpy(op->agent_id, "AG-1001");
	if (strcmp(type, API_TYPE_CASH_IN) == 0) {
		rc = api_cash_in_encode(&cash_in, payload, size);
		op->amount = cash_in.amount;
	} else if (strcmp(type, API_TYPE_CASH_OUT) == 0) {
		rc = api_cash_out_encode(&cash_out, payload, size);
		op->amount = cash_out.amount;
	} else if (strcmp(type, API_TYPE_BANK_TRANSFER) == 0) {
		rc = api_bank_transfer_encode(&bank, payload, size);
		op->amount = bank.amount;
	} else if (strcmp(type, API_TYPE_SEND_MONEY) == 0) {
		rc = api_send_money_encode(&send, payload, size);
		op->amount = send.amount;
	} else if (strcmp(type, API_TYPE_REVERSAL) == 0) {
		rc = api_reversal_encode(&reversal, payload, size);
		op->amount = reversal.amount;
	}
	assert_int_equal(rc, 0);
	strcpy(op->currency, strcmp(type, API_TYPE_BANK_TRANSFER) == 0
				     ? "NGN"
				     : "GHS");
	op->created_at = CREATED_AT;
	op->updated_at = CREATED_AT;
	strcpy(op->reference, REFERENCE);
	strcpy(op->last_error, REASON);
}

static const char *const cash_out_32[] = {
	"SPOTBANC",
	"Cash-out",
	"--------------------------------",
	"Date        2026-12-04 15:00 UTC",
	"Terminal                  T-0001",
	"Agent                 Ama Mensah",
	"Wallet                1000000001",
	"Name                Kofi Boateng",
	"Operation    5f0c2a9e-7b3d-4c1a-",
	"               9e8f-1a2b3c4d5e6f",
	"--------------------------------",
	"Amount                 GHS 50.00",
	"Fee                     GHS 0.50",
	"From wallet            GHS 50.50",
	"Cash paid out          GHS 50.00",
	"--------------------------------",
	"Status                 CONFIRMED",
	"Reference    SPB-20261204-000417",
	"--------------------------------",
	"Keep this receipt",
	NULL,
};

static void test_money_exact_cash_out(void **state)
{
	struct operation op;
	struct receipt receipt;
	int count = 0;

	(void)state;
	make_money_operation(&op, API_TYPE_CASH_OUT, OP_ACCEPTED, NULL);
	assert_int_equal(receipt_layout(&op, &default_context, 32, &receipt),
			 0);
	while (cash_out_32[count] != NULL)
		count++;
	assert_int_equal(receipt.count, count);
	for (int i = 0; i < count; i++)
		assert_string_equal(receipt.lines[i].text, cash_out_32[i]);
	assert_int_equal(receipt.lines[11].style, RECEIPT_STYLE_PLAIN);
	assert_int_equal(receipt.lines[13].style, RECEIPT_STYLE_TOTAL);
	assert_int_equal(receipt.lines[14].style, RECEIPT_STYLE_TOTAL);
}

struct money_case {
	const char *type;
	const char *title;
	const char *details[4]; /* label of each detail line, NULL ends */
	const char *total_label;
	const char *total;
	const char *fee_label;
	const char *fee;
	const char *extra;      /* a further line's text, or NULL */
};

static const struct money_case money_cases[] = {
	{API_TYPE_CASH_IN, "Cash-in", {"Wallet", "Name", NULL},
	 "Paid in cash", "GHS 100.00", "Fee", "GHS 0.00", NULL},
	{API_TYPE_CASH_OUT, "Cash-out", {"Wallet", "Name", NULL},
	 "From wallet", "GHS 50.50", "Fee", "GHS 0.50", "Cash paid out"},
	{API_TYPE_BANK_TRANSFER, "Bank transfer",
	 {"Bank", "Account", "Holder", NULL}, "Paid in cash",
	 "NGN 5,010.75", "Fee", "NGN 10.75", "Guaranty Trust Bank"},
	{API_TYPE_SEND_MONEY, "Send money",
	 {"From", "Country", "Method", "Receiver"}, "From wallet",
	 "GHS 1,020.00", "Fee", "GHS 20.00", "NGN 123,456.00"},
	{API_TYPE_REVERSAL, "Reversal",
	 {"Original", "Reverses", "Reason", NULL},
	 "Total refunded", "GHS 50.50", "Fee refunded", "GHS 0.50",
	 "SBX-000045"},
};

/* The amount on the line that starts with label. */
static void check_amount_line(const struct receipt *receipt,
			      const char *label, const char *amount)
{
	int index = find_line(receipt, label);
	const char *text;

	print_message("line \"%s\"\n", label);
	assert_true(index >= 0);
	text = receipt->lines[index].text;
	/* A long amount may sit alone on the next line. */
	if (strlen(text) == strlen(label))
		text = receipt->lines[index + 1].text;
	assert_string_equal(text + strlen(text) - strlen(amount), amount);
}

static void check_money_case(const struct money_case *c, int columns,
			     bool copy)
{
	struct receipt_context context = default_context;
	struct operation op;
	struct receipt receipt;

	context.copy = copy;
	make_money_operation(&op, c->type, OP_ACCEPTED, NULL);
	assert_int_equal(receipt_layout(&op, &context, columns, &receipt), 0);
	check_widths(&receipt, columns);
	assert_string_equal(receipt.lines[1].text, c->title);
	for (int i = 0; i < 4 && c->details[i] != NULL; i++) {
		print_message("detail \"%s\"\n", c->details[i]);
		assert_true(find_line(&receipt, c->details[i]) > 0);
	}
	check_amount_line(&receipt, "Amount ", "");
	check_amount_line(&receipt, c->fee_label, c->fee);
	check_amount_line(&receipt, c->total_label, c->total);
	if (c->extra != NULL)
		assert_true(receipt_contains(&receipt, c->extra));
	assert_true(receipt_contains(&receipt, REFERENCE));

	/* A reprint is marked at the top and the bottom, and an original is
	 * not. */
	assert_int_equal(strcmp(receipt.lines[2].text, "*** COPY ***") == 0,
			 copy);
	assert_int_equal(strcmp(receipt.lines[receipt.count - 1].text,
				"*** COPY ***") == 0,
			 copy);
	assert_int_equal(receipt_contains(&receipt, "COPY"), copy);

	/* The cash-out code never reaches paper. */
	assert_false(receipt_contains(&receipt, CASH_OUT_CODE));
}

static void test_money_every_type(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(money_cases) / sizeof(*money_cases);
	     i++) {
		for (size_t j = 0; j < sizeof(widths) / sizeof(*widths); j++) {
			print_message("%s, %d columns\n", money_cases[i].type,
				      widths[j]);
			check_money_case(&money_cases[i], widths[j], false);
			check_money_case(&money_cases[i], widths[j], true);
		}
	}
}

static void test_money_every_state(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(money_cases) / sizeof(*money_cases);
	     i++) {
		for (size_t k = 0;
		     k < sizeof(state_cases) / sizeof(*state_cases); k++) {
			const struct state_case *c = &state_cases[k];
			struct operation op;
			struct receipt receipt;
			int status;

			make_money_operation(&op, money_cases[i].type,
					     c->state, NULL);
			assert_int_equal(receipt_layout(&op, &default_context,
							32, &receipt),
					 0);
			status = find_line(&receipt, "Status ");
			assert_true(status >= 0);
			assert_non_null(
				strstr(receipt.lines[status].text, c->status));
			assert_int_equal(receipt_contains(&receipt, REFERENCE),
					 c->reference);
			assert_false(receipt_contains(&receipt,
						      CASH_OUT_CODE));
		}
	}
}

static void test_money_long_names_wrap(void **state)
{
	static const struct {
		const char *type;
		const char *label;
	} cases[] = {
		{API_TYPE_BANK_TRANSFER, "Holder "},
		{API_TYPE_CASH_OUT, "Name "},
	};
	char joined[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		for (size_t j = 0; j < sizeof(widths) / sizeof(*widths); j++) {
			struct operation op;
			struct receipt receipt;
			int index;

			make_money_operation(&op, cases[i].type, OP_QUEUED,
					     LONG_HOLDER);
			assert_int_equal(receipt_layout(&op, &default_context,
							widths[j], &receipt),
					 0);
			check_widths(&receipt, widths[j]);
			index = find_line(&receipt, cases[i].label);
			assert_true(index >= 0);
			join_value(&receipt, index, " ", joined,
				   sizeof(joined));
			assert_string_equal(joined, LONG_HOLDER);
		}
	}
}

static void test_money_payload_mismatch(void **state)
{
	struct operation op;
	struct receipt receipt;

	(void)state;
	make_money_operation(&op, API_TYPE_CASH_IN, OP_QUEUED, NULL);
	op.amount += 1;
	assert_int_equal(receipt_layout(&op, &default_context, 32, &receipt),
			 -1);
	make_money_operation(&op, API_TYPE_BANK_TRANSFER, OP_QUEUED, NULL);
	strcpy(op.currency, "GHS");
	assert_int_equal(receipt_layout(&op, &default_context, 32, &receipt),
			 -1);
	make_money_operation(&op, API_TYPE_SEND_MONEY, OP_QUEUED, NULL);
	strcpy(op.payload, "{\"quote_id\":1}");
	assert_int_equal(receipt_layout(&op, &default_context, 32, &receipt),
			 -1);
}

/* A wallet transfer prints its fee and total only when it has a fee. */
static void test_wallet_transfer_fee(void **state)
{
	struct wallet_transfer transfer = {
		.sender = "0244000001",
		.receiver = "0554000002",
		.currency = "GHS",
		.amount = 123450,
		.fee = 150,
	};
	struct operation op;
	struct receipt receipt;

	(void)state;
	make_operation(&op, OP_ACCEPTED, NULL);
	assert_int_equal(api_wallet_transfer_encode(&transfer, op.payload,
						    sizeof(op.payload)),
			 0);
	assert_int_equal(receipt_layout(&op, &default_context, 32, &receipt),
			 0);
	check_amount_line(&receipt, "Fee ", "GHS 1.50");
	check_amount_line(&receipt, "From wallet ", "GHS 1,236.00");

	make_operation(&op, OP_ACCEPTED, NULL);
	assert_int_equal(receipt_layout(&op, &default_context, 32, &receipt),
			 0);
	assert_int_equal(find_line(&receipt, "Fee "), -1);
}

/* --- Rejections, pending cash and reversals --- */

/* Re-encode the send money of op as paid in cash at the counter. */
static void make_cash_send(struct operation *op, enum op_state state)
{
	struct send_money send;

	make_money_operation(op, API_TYPE_SEND_MONEY, state, NULL);
	assert_int_equal(api_send_money_decode(op->payload, &send), 0);
	send.funding = API_FUNDING_CASH;
	send.sender[0] = '\0';
	assert_int_equal(api_send_money_encode(&send, op->payload,
					       sizeof(op->payload)),
			 0);
}

/* Fill op as a row of type, or of a cash-funded send money for the
 * pseudo type "send_money_cash". */
static void make_any_operation(struct operation *op, const char *type,
			       enum op_state state)
{
	if (strcmp(type, "send_money_cash") == 0)
		make_cash_send(op, state);
	else if (strcmp(type, API_TYPE_WALLET_TRANSFER) == 0)
		make_operation(op, state, NULL);
	else
		make_money_operation(op, type, state, NULL);
}

struct rejected_case {
	const char *type;
	const char *present[3];  /* line starts that must be there */
	const char *absent[4];   /* text that must not be anywhere */
	const char *give_back;   /* amount to give back, or NULL */
};

static const struct rejected_case rejected_cases[] = {
	{API_TYPE_CASH_IN, {"Give back to the customer", NULL},
	 {"Paid in cash", "Nothing was", "pending confirmation", NULL},
	 "GHS 100.00"},
	{API_TYPE_CASH_OUT, {"Nothing was debited", "No cash to pay out",
			     NULL},
	 {"From wallet", "Cash paid out", "Give back", NULL}, NULL},
	{API_TYPE_BANK_TRANSFER, {"Give back to the customer", NULL},
	 {"Paid in cash", "Nothing was", NULL}, "NGN 5,010.75"},
	{API_TYPE_SEND_MONEY, {"Nothing was debited", NULL},
	 {"From wallet", "Receiver gets", "Give back", NULL}, NULL},
	{"send_money_cash", {"Give back to the customer", NULL},
	 {"Paid in cash", "Receiver gets", "Nothing was", NULL},
	 "GHS 1,020.00"},
	{API_TYPE_REVERSAL, {"Nothing was refunded", NULL},
	 {"Total refunded", "Give back", NULL}, NULL},
	{API_TYPE_WALLET_TRANSFER, {"Nothing was debited", NULL},
	 {"From wallet", "Give back", NULL}, NULL},
};

static void check_rejected_case(const struct rejected_case *c, int columns)
{
	struct operation op;
	struct receipt receipt;
	int index;

	make_any_operation(&op, c->type, OP_REJECTED);
	assert_int_equal(receipt_layout(&op, &default_context, columns,
					&receipt),
			 0);
	check_widths(&receipt, columns);
	for (int i = 0; c->present[i] != NULL; i++) {
		print_message("present \"%s\"\n", c->present[i]);
		assert_true(find_line(&receipt, c->present[i]) >= 0);
	}
	for (int i = 0; c->absent[i] != NULL; i++) {
		print_message("absent \"%s\"\n", c->absent[i]);
		assert_false(receipt_contains(&receipt, c->absent[i]));
	}
	if (c->give_back != NULL) {
		check_amount_line(&receipt, "Give back to the customer",
				  c->give_back);
		index = find_line(&receipt, "Give back to the customer");
		assert_int_equal(receipt.lines[index].style,
				 RECEIPT_STYLE_TOTAL);
	}
	index = find_line(&receipt, "No cash to pay out");
	if (index >= 0)
		assert_int_equal(receipt.lines[index].style,
				 RECEIPT_STYLE_TOTAL);
	assert_true(receipt_contains(&receipt, REASON));
}

/* A rejected operation moved no money, so its notice prints what to
 * give back or that nothing moved, never what was paid. */
static void test_rejected_money_lines(void **state)
{
	(void)state;
	for (size_t i = 0;
	     i < sizeof(rejected_cases) / sizeof(*rejected_cases); i++) {
		for (size_t j = 0; j < sizeof(widths) / sizeof(*widths); j++) {
			print_message("%s, %d columns\n",
				      rejected_cases[i].type, widths[j]);
			check_rejected_case(&rejected_cases[i], widths[j]);
		}
	}
}

static const char *const rejected_cash_in_32[] = {
	"SPOTBANC",
	"Cash-in",
	"*** COPY ***",
	"*** REJECTION NOTICE ***",
	"--------------------------------",
	"Date        2026-12-04 15:00 UTC",
	"Terminal                  T-0001",
	"Agent                 Ama Mensah",
	"Wallet                1000000002",
	"Name                Kofi Boateng",
	"Operation    5f0c2a9e-7b3d-4c1a-",
	"               9e8f-1a2b3c4d5e6f",
	"--------------------------------",
	"Amount                GHS 100.00",
	"Fee                     GHS 0.00",
	"Give back to the customer",
	"                      GHS 100.00",
	"--------------------------------",
	"Status                  REJECTED",
	REASON,
	"--------------------------------",
	"Keep this receipt",
	"*** COPY ***",
	NULL,
};

/* A copy of a rejected operation keeps the notice heading, which the
 * layout adds for the rejected state without context->notice. */
static void test_rejected_copy_exact(void **state)
{
	struct receipt_context context = default_context;
	struct operation op;
	struct receipt receipt;
	int count = 0;

	(void)state;
	context.copy = true;
	make_money_operation(&op, API_TYPE_CASH_IN, OP_REJECTED, NULL);
	assert_int_equal(receipt_layout(&op, &context, 32, &receipt), 0);
	while (rejected_cash_in_32[count] != NULL)
		count++;
	assert_int_equal(receipt.count, count);
	for (int i = 0; i < count; i++)
		assert_string_equal(receipt.lines[i].text,
				    rejected_cash_in_32[i]);
	assert_int_equal(receipt.lines[15].style, RECEIPT_STYLE_TOTAL);
	assert_int_equal(receipt.lines[16].style, RECEIPT_STYLE_TOTAL);
}

static void test_notice_heading_by_state(void **state)
{
	static const char *const types[] = {
		API_TYPE_WALLET_TRANSFER, API_TYPE_CASH_IN, API_TYPE_CASH_OUT,
		API_TYPE_BANK_TRANSFER,   API_TYPE_SEND_MONEY,
		API_TYPE_REVERSAL,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
		for (size_t k = 0;
		     k < sizeof(state_cases) / sizeof(*state_cases); k++) {
			enum op_state op_state = state_cases[k].state;
			struct operation op;
			struct receipt receipt;

			print_message("%s, state %d\n", types[i],
				      (int)op_state);
			make_any_operation(&op, types[i], op_state);
			assert_int_equal(receipt_layout(&op, &default_context,
							32, &receipt),
					 0);
			assert_int_equal(receipt_contains(&receipt,
							  "REJECTION NOTICE"),
					 op_state == OP_REJECTED);
		}
	}
}

struct pending_case {
	const char *type;
	enum op_state state;
	bool marked; /* "Cash taken pending confirmation" printed */
};

static const struct pending_case pending_cases[] = {
	{API_TYPE_CASH_IN, OP_QUEUED, true},
	{API_TYPE_CASH_IN, OP_IN_FLIGHT, true},
	{API_TYPE_CASH_IN, OP_ACCEPTED, false},
	{API_TYPE_CASH_IN, OP_NEEDS_ATTENTION, true},
	{API_TYPE_BANK_TRANSFER, OP_QUEUED, true},
	{"send_money_cash", OP_IN_FLIGHT, true},
	{API_TYPE_SEND_MONEY, OP_QUEUED, false},
	{API_TYPE_CASH_OUT, OP_QUEUED, false},
	{API_TYPE_REVERSAL, OP_QUEUED, false},
	{API_TYPE_WALLET_TRANSFER, OP_QUEUED, false},
};

/* A receipt of cash taken at the counter for an operation still
 * undecided marks it on one line under the cash total, which it keeps. */
static void test_pending_cash_line(void **state)
{
	(void)state;
	for (size_t i = 0;
	     i < sizeof(pending_cases) / sizeof(*pending_cases); i++) {
		const struct pending_case *c = &pending_cases[i];

		for (size_t j = 0; j < sizeof(widths) / sizeof(*widths); j++) {
			struct operation op;
			struct receipt receipt;
			int index;

			print_message("%s, state %d, %d columns\n", c->type,
				      (int)c->state, widths[j]);
			make_any_operation(&op, c->type, c->state);
			assert_int_equal(receipt_layout(&op, &default_context,
							widths[j], &receipt),
					 0);
			check_widths(&receipt, widths[j]);
			index = find_line(&receipt,
					  "Cash taken pending confirmation");
			assert_int_equal(index >= 0, c->marked);
			if (!c->marked)
				continue;
			assert_string_equal(receipt.lines[index].text,
					    "Cash taken pending confirmation");
			assert_int_equal(strncmp(receipt.lines[index - 1].text,
						 "Paid in cash", 12),
					 0);
		}
	}
}

/* An undecided cash-out's receipt tells the agent to wait before paying
 * out; only an accepted one says the cash was paid out. */
static void test_pending_cash_out(void **state)
{
	static const struct {
		enum op_state state;
		bool wait;
	} cases[] = {
		{OP_QUEUED, true},
		{OP_IN_FLIGHT, true},
		{OP_NEEDS_ATTENTION, true},
		{OP_ACCEPTED, false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		for (size_t j = 0; j < sizeof(widths) / sizeof(*widths); j++) {
			struct operation op;
			struct receipt receipt;

			print_message("state %d, %d columns\n",
				      (int)cases[i].state, widths[j]);
			make_any_operation(&op, API_TYPE_CASH_OUT,
					   cases[i].state);
			assert_int_equal(receipt_layout(&op, &default_context,
							widths[j], &receipt),
					 0);
			check_widths(&receipt, widths[j]);
			bool wait_line = find_line(&receipt, "Pay out only "
						  "when CONFIRMED") >= 0;
			bool to_pay = find_line(&receipt, "Cash to pay") >= 0;
			bool paid = find_line(&receipt, "Cash paid out") >= 0;

			assert_int_equal(wait_line, cases[i].wait);
			assert_int_equal(to_pay, cases[i].wait);
			assert_int_equal(paid, !cases[i].wait);
		}
	}
}

/* 2026-12-04 15:10:00 UTC */
#define REVERSED_AT (CREATED_AT + 600)
#define REVERSAL_REFERENCE "SBX-000046"

struct reversal_case {
	enum op_state state;   /* of the reversal; -1 for none */
	const char *expected;  /* the line, or NULL for none */
};

static const struct reversal_case reversal_cases[] = {
	{OP_ACCEPTED,
	 "Reversed by " REVERSAL_REFERENCE " on 2026-12-04 15:10 UTC"},
	{OP_QUEUED, "Reversal pending"},
	{OP_IN_FLIGHT, "Reversal pending"},
	{OP_NEEDS_ATTENTION, "Reversal pending"},
	{OP_REJECTED, NULL},
	{-1, NULL},
};

static void check_reversal_case(const struct reversal_case *c,
				const char *type, int columns)
{
	struct receipt_context context = default_context;
	struct operation reversal;
	struct operation op;
	struct receipt receipt;
	char joined[256];
	int index;

	make_money_operation(&reversal, API_TYPE_REVERSAL, OP_QUEUED, NULL);
	reversal.state = (enum op_state)c->state;
	reversal.created_at = REVERSED_AT;
	strcpy(reversal.reference, REVERSAL_REFERENCE);
	if ((int)c->state >= 0)
		context.reversal = &reversal;
	context.copy = true;

	make_any_operation(&op, type, OP_ACCEPTED);
	assert_int_equal(receipt_layout(&op, &context, columns, &receipt), 0);
	check_widths(&receipt, columns);
	assert_true(receipt_contains(&receipt, "CONFIRMED"));
	index = find_line(&receipt, "Revers");
	if (c->expected == NULL) {
		assert_int_equal(find_line(&receipt, "Reversed by"), -1);
		assert_int_equal(find_line(&receipt, "Reversal pending"), -1);
		return;
	}
	assert_true(index > find_line(&receipt, "Reference "));
	assert_int_equal(receipt.lines[index].style, RECEIPT_STYLE_TOTAL);
	join_paragraph_style(&receipt, index, joined, sizeof(joined));
	assert_string_equal(joined, c->expected);
}

/* A reprint of a reversed operation names its reversal under the
 * status, for a wallet transfer and the other money operations. */
static void test_reversed_operation_line(void **state)
{
	static const char *const types[] = {
		API_TYPE_WALLET_TRANSFER, API_TYPE_CASH_IN, API_TYPE_CASH_OUT,
		API_TYPE_BANK_TRANSFER,   API_TYPE_SEND_MONEY,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
		for (size_t k = 0;
		     k < sizeof(reversal_cases) / sizeof(*reversal_cases);
		     k++) {
			for (size_t j = 0; j < sizeof(widths) / sizeof(*widths);
			     j++) {
				print_message("%s, reversal state %d, %d "
					      "columns\n",
					      types[i],
					      (int)reversal_cases[k].state,
					      widths[j]);
				check_reversal_case(&reversal_cases[k],
						    types[i], widths[j]);
			}
		}
	}
}

/* Insert op into journal and move it to state. */
static void journal_put(struct journal *journal, struct operation *op,
			enum op_state state)
{
	op->state = OP_QUEUED;
	assert_int_equal(journal_insert(journal, op), JOURNAL_OK);
	if (state == OP_ACCEPTED)
		assert_int_equal(journal_mark_accepted(journal, op->id,
						       REVERSAL_REFERENCE,
						       REVERSED_AT),
				 JOURNAL_OK);
	else if (state == OP_REJECTED)
		assert_int_equal(journal_mark_rejected(journal, op->id,
						       REASON, REVERSED_AT),
				 JOURNAL_OK);
}

/* Fill op as a reversal of OPERATION_ID journaled at created_at. */
static void make_reversal_row(struct operation *op, const char *id,
			      int64_t created_at)
{
	make_money_operation(op, API_TYPE_REVERSAL, OP_QUEUED, NULL);
	strcpy(op->id, id);
	op->reference[0] = '\0';
	op->last_error[0] = '\0';
	op->created_at = created_at;
	op->updated_at = created_at;
	op->next_attempt_at = created_at;
	snprintf(op->keys[0], sizeof(op->keys[0]), "op:%s", OPERATION_ID);
}

/* receipt_find_reversal skips a rejected reversal and other operations
 * and finds the one that counts in a real journal. */
static void test_find_reversal_in_journal(void **state)
{
	char folder[] = "/tmp/test_receipt.XXXXXX";
	char path[sizeof(folder) + sizeof("/journal.db")];
	struct journal *journal = NULL;
	struct operation original;
	struct operation row;
	struct operation found;

	(void)state;
	assert_non_null(mkdtemp(folder));
	snprintf(path, sizeof(path), "%s/journal.db", folder);
	assert_int_equal(journal_open(path, &journal), JOURNAL_OK);

	make_money_operation(&original, API_TYPE_CASH_OUT, OP_QUEUED, NULL);
	original.reference[0] = '\0';
	original.last_error[0] = '\0';
	original.next_attempt_at = CREATED_AT;
	journal_put(journal, &original, OP_ACCEPTED);
	assert_int_equal(receipt_find_reversal(journal, OPERATION_ID, &found),
			 0);

	make_reversal_row(&row, "0a1b2c3d-0000-4000-8000-000000000001",
			  CREATED_AT + 60);
	journal_put(journal, &row, OP_REJECTED);
	assert_int_equal(receipt_find_reversal(journal, OPERATION_ID, &found),
			 0);

	make_reversal_row(&row, "0a1b2c3d-0000-4000-8000-000000000002",
			  REVERSED_AT);
	journal_put(journal, &row, OP_QUEUED);
	assert_int_equal(receipt_find_reversal(journal, OPERATION_ID, &found),
			 1);
	assert_string_equal(found.id, row.id);
	assert_int_equal(found.state, OP_QUEUED);

	assert_int_equal(journal_mark_accepted(journal, row.id,
					       REVERSAL_REFERENCE,
					       REVERSED_AT),
			 JOURNAL_OK);
	assert_int_equal(receipt_find_reversal(journal, OPERATION_ID, &found),
			 1);
	assert_int_equal(found.state, OP_ACCEPTED);
	assert_string_equal(found.reference, REVERSAL_REFERENCE);
	assert_int_equal(receipt_find_reversal(journal, row.id, &found), 0);

	journal_close(journal);
	unlink(path);
	snprintf(path, sizeof(path), "%s/journal.db-wal", folder);
	unlink(path);
	snprintf(path, sizeof(path), "%s/journal.db-shm", folder);
	unlink(path);
	assert_int_equal(rmdir(folder), 0);
}

/* --- What a customer reads: receipts encoded for a printer profile and
 * decoded back with tests/support/escpos_decode. --- */

#define VERIFY_URL "https://verify.spotbanc.example/r/"

struct printed_case {
	const char *profile;
	int columns;
	const char *agent;    /* as the agent's name is stored */
	const char *printed;  /* as it prints on that profile */
	bool barcode;         /* the reference's CODE128 fits the paper */
};

static const struct printed_case printed_cases[] = {
	{"generic-58", 32,
	 "\xd0\x96\xd0\xb0\xd0\xbd\xd0\xbd\xd0\xb0 \xd0\x98\xd0\xb2\xd0\xb0"
	 "\xd0\xbd\xd0\xbe\xd0\xb2\xd0\xb0",
	 "Zhanna Ivanova", false},
	{"generic-80", 48,
	 "\xd0\x96\xd0\xb0\xd0\xbd\xd0\xbd\xd0\xb0 \xd0\x98\xd0\xb2\xd0\xb0"
	 "\xd0\xbd\xd0\xbe\xd0\xb2\xd0\xb0",
	 "\xd0\x96\xd0\xb0\xd0\xbd\xd0\xbd\xd0\xb0 \xd0\x98\xd0\xb2\xd0\xb0"
	 "\xd0\xbd\xd0\xbe\xd0\xb2\xd0\xb0",
	 true},
	{"Epson TM-T20II", 48,
	 "\xce\x9d\xce\xaf\xce\xba\xce\xbf\xcf\x82 "
	 "\xc5\x81\xc3\xb3\x64\xc5\xba",
	 "\xce\x9d\xce\xaf\xce\xba\xce\xbf\xcf\x82 "
	 "\xc5\x81\xc3\xb3\x64\xc5\xba",
	 true},
	{"generic-80", 48, "\xe1\xbb\x8cl\xc3\xa1" "b\xc3\xad" "s\xc3\xad",
	 "Ol\xc3\xa1" "b\xc3\xad" "s\xc3\xad", true},
};

/* Lay out and encode an accepted transfer for c, then decode the job. */
static void print_and_decode(const struct printed_case *c,
			     struct receipt *receipt,
			     struct escpos_decoded *decoded)
{
	const struct escpos_profile *profile = escpos_profile_find(c->profile);
	struct receipt_context context = default_context;
	struct escpos_buf buf;
	struct operation op;

	assert_non_null(profile);
	context.agent_name = c->agent;
	context.profile = profile;
	context.qr = true;
	context.barcode = true;
	context.verify_url = VERIFY_URL;
	make_operation(&op, OP_ACCEPTED, NULL);
	assert_int_equal(receipt_layout(&op, &context, c->columns, receipt),
			 0);
	escpos_init(&buf);
	escpos_set_profile(&buf, profile);
	assert_int_equal(receipt_encode(receipt, &buf), 0);
	if (escpos_decode(buf.data, buf.len, profile, decoded) != 0)
		print_error("decode: %s at %zu\n", decoded->error,
			    decoded->error_offset);
	assert_string_equal(decoded->error, "");
	escpos_free(&buf);
}

/* Print and decode every printed case, run check on it, and free the
 * decoded job. */
static void check_printed_cases(void (*check)(
	const struct printed_case *c, const struct receipt *receipt,
	const struct escpos_decoded *decoded))
{
	for (size_t i = 0; i < sizeof(printed_cases) / sizeof(*printed_cases);
	     i++) {
		struct escpos_decoded decoded;
		struct receipt receipt;

		print_and_decode(&printed_cases[i], &receipt, &decoded);
		check(&printed_cases[i], &receipt, &decoded);
		escpos_decoded_free(&decoded);
	}
}

/* Every line prints as the layout (and so the screen preview) has it. */
static void check_lines_match_layout(const struct printed_case *c,
				     const struct receipt *receipt,
				     const struct escpos_decoded *decoded)
{
	assert_int_equal(decoded->resets, 1);
	/* The layout's lines, then the feed before the cut. */
	assert_int_equal(decoded->line_count, receipt->count + 3);
	for (int j = 0; j < receipt->count; j++) {
		const char *text = escpos_decoded_text(decoded, j);

		if (receipt->lines[j].style != RECEIPT_STYLE_RULE)
			assert_string_equal(text,
					    receipt->lines[j].text);
		assert_int_equal(count_code_points(text) <= c->columns,
				 true);
	}
}

static void test_printed_lines_match_layout(void **state)
{
	(void)state;
	check_printed_cases(check_lines_match_layout);
}

static void check_header_and_amount(const struct printed_case *c,
				    const struct receipt *receipt,
				    const struct escpos_decoded *decoded)
{
	const struct escpos_decoded_line *line;
	char agent[128];
	int index;

	(void)receipt;
	assert_string_equal(escpos_decoded_text(decoded, 0),
			    "SPOTBANC");
	assert_int_equal(decoded->lines[0].align, ESCPOS_ALIGN_CENTER);
	assert_int_equal(decoded->lines[1].align, ESCPOS_ALIGN_CENTER);

	/* The amount is right-aligned to the last column, bold and
	 * double height. */
	index = escpos_decoded_find(decoded, "Amount");
	assert_true(index >= 0);
	line = &decoded->lines[index];
	assert_int_equal(count_code_points(line->text), c->columns);
	assert_non_null(strstr(line->text, "GHS 1,234.50"));
	assert_string_equal(line->text + strlen(line->text) - 12,
			    "GHS 1,234.50");
	assert_true(line->bold);
	assert_int_equal(line->height, 2);
	assert_int_equal(line->width, 1);

	/* The agent's name as this printer prints it, aligned. */
	index = escpos_decoded_find(decoded, "Agent ");
	assert_true(index >= 0);
	snprintf(agent, sizeof(agent), "%s", c->printed);
	assert_non_null(strstr(decoded->lines[index].text, agent));
	assert_int_equal(count_code_points(decoded->lines[index].text),
			 c->columns);
	assert_false(decoded->lines[index].bold);
}

static void test_printed_header_and_amount(void **state)
{
	(void)state;
	check_printed_cases(check_header_and_amount);
}

static void check_qr_barcode_cut(const struct printed_case *c,
				 const struct receipt *receipt,
				 const struct escpos_decoded *decoded)
{
	int reference;

	(void)receipt;
	reference = escpos_decoded_find(decoded, REFERENCE);
	assert_true(reference >= 0);

	/* The QR code follows the reference line. */
	assert_int_equal(decoded->qr_count, 1);
	assert_string_equal((const char *)decoded->qrs[0].data,
			    VERIFY_URL REFERENCE);
	assert_int_equal(decoded->qrs[0].line, reference + 1);
	assert_int_equal(decoded->qrs[0].level, 'M');

	/* 19 characters of CODE128 take 488 dots: too wide for the
	 * 384 of 58 mm paper, so that receipt has none. */
	assert_int_equal(decoded->barcode_count, c->barcode ? 1 : 0);
	if (c->barcode) {
		assert_string_equal(decoded->barcodes[0].text,
				    REFERENCE);
		assert_int_equal(decoded->barcodes[0].hri, 2);
	}

	assert_int_equal(decoded->cut_count, 1);
	assert_true(decoded->cuts[0].partial);
	assert_int_equal(decoded->cuts[0].line, decoded->line_count);
	assert_int_equal(decoded->pulse_count, 0);
}

static void test_printed_qr_barcode_cut(void **state)
{
	(void)state;
	check_printed_cases(check_qr_barcode_cut);
}

/* No QR code or barcode for a pending receipt, for a context that does
 * not ask for one, or for a QR payload over the profile's limit. */
static void test_printed_codes_left_out(void **state)
{
	struct receipt_context context = default_context;
	struct receipt receipt;
	struct operation op;
	char url[300];

	(void)state;
	context.qr = true;
	context.barcode = true;
	make_operation(&op, OP_QUEUED, NULL);
	assert_int_equal(receipt_layout(&op, &context, 48, &receipt), 0);
	assert_string_equal(receipt.qr, "");
	assert_string_equal(receipt.barcode, "");

	make_operation(&op, OP_ACCEPTED, NULL);
	assert_int_equal(receipt_layout(&op, &default_context, 48, &receipt),
			 0);
	assert_string_equal(receipt.qr, "");
	assert_string_equal(receipt.barcode, "");

	/* Without verify_url the QR code carries the reference alone. */
	assert_int_equal(receipt_layout(&op, &context, 48, &receipt), 0);
	assert_string_equal(receipt.qr, REFERENCE);
	assert_string_equal(receipt.barcode, REFERENCE);

	/* 232 + 19 bytes fit the 251 of 58 mm paper; 233 + 19 do not. */
	memset(url, 'u', sizeof(url));
	url[232] = '\0';
	context.verify_url = url;
	context.profile = escpos_profile_find("generic-58");
	assert_int_equal(receipt_layout(&op, &context, 32, &receipt), 0);
	assert_int_equal(strlen(receipt.qr), 251);
	url[232] = 'u';
	url[233] = '\0';
	assert_int_equal(receipt_layout(&op, &context, 32, &receipt), 0);
	assert_string_equal(receipt.qr, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_exact_lines),
		cmocka_unit_test(test_layout_styles),
		cmocka_unit_test(test_layout_every_state),
		cmocka_unit_test(test_layout_long_reason_wraps),
		cmocka_unit_test(test_layout_long_values_wrap),
		cmocka_unit_test(test_layout_utf8_width),
		cmocka_unit_test(test_layout_cleans_text),
		cmocka_unit_test(test_layout_copy_marker),
		cmocka_unit_test(test_layout_agent_id_fallback),
		cmocka_unit_test(test_layout_unsupported_width),
		cmocka_unit_test(test_layout_corrupt_payload),
		cmocka_unit_test(test_layout_rejects_bad_rows),
		cmocka_unit_test(test_layout_too_many_lines),
		cmocka_unit_test(test_layout_receiver_by_customer_id),
		cmocka_unit_test(test_encode_small_receipt),
		cmocka_unit_test(test_encode_layout),
		cmocka_unit_test(test_encode_blocks_injection),
		cmocka_unit_test(test_encode_sticky_error),
		cmocka_unit_test(test_money_exact_cash_out),
		cmocka_unit_test(test_money_every_type),
		cmocka_unit_test(test_money_every_state),
		cmocka_unit_test(test_money_long_names_wrap),
		cmocka_unit_test(test_money_payload_mismatch),
		cmocka_unit_test(test_wallet_transfer_fee),
		cmocka_unit_test(test_rejected_money_lines),
		cmocka_unit_test(test_rejected_copy_exact),
		cmocka_unit_test(test_notice_heading_by_state),
		cmocka_unit_test(test_pending_cash_line),
		cmocka_unit_test(test_pending_cash_out),
		cmocka_unit_test(test_reversed_operation_line),
		cmocka_unit_test(test_find_reversal_in_journal),
		cmocka_unit_test(test_printed_lines_match_layout),
		cmocka_unit_test(test_printed_header_and_amount),
		cmocka_unit_test(test_printed_qr_barcode_cut),
		cmocka_unit_test(test_printed_codes_left_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
