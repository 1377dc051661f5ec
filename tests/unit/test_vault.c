/* Unit tests of offline/vault.c: the key file's creation and checks, and
 * sealing with AES-256-GCM against wrong keys, wrong associated data,
 * changed bytes, truncation and unknown formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <mbedtls/base64.h>

#include "../../offline/vault.h"
#include "journal_fixture.h"

#define ID_A "3f6c1a52-8f7e-4d0b-9a43-2b1c5d6e7f80"
#define ID_B "0b2e4c6a-1d3f-4a5b-8c7d-9e0f1a2b3c4d"
#define CODE "{\"code\":\"918273\"}"

struct vault_fixture {
	struct journal_fixture *journal; /* for its folder */
	char key[192];                   /* dir/test.key, not made yet */
	struct vault *vault;             /* on key, made by setup */
};

static int setup(void **state)
{
	struct vault_fixture *f = calloc(1, sizeof(*f));
	void *journal = NULL;

	if (f == NULL || journal_fixture_setup(&journal, "vault") != 0) {
		free(f);
		return -1;
	}
	f->journal = journal;
	snprintf(f->key, sizeof(f->key), "%s/test.key", f->journal->dir);
	if (vault_open(f->key, true, &f->vault) != VAULT_OK) {
		journal_fixture_teardown(&journal);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct vault_fixture *f = *state;
	void *journal = f->journal;

	vault_close(f->vault);
	journal_fixture_teardown(&journal);
	free(f);
	return 0;
}

/* Write size bytes of value to dir/name with mode, and its path to out. */
static void write_key(const struct vault_fixture *f, const char *name,
		      size_t size, mode_t mode, char *out, size_t out_size)
{
	unsigned char bytes[64];
	FILE *file;

	memset(bytes, 0x5a, sizeof(bytes));
	assert_true(size <= sizeof(bytes));
	snprintf(out, out_size, "%s/%s", f->journal->dir, name);
	file = fopen(out, "wb");
	assert_non_null(file);
	assert_int_equal(fwrite(bytes, 1, size, file), size);
	assert_int_equal(fclose(file), 0);
	assert_int_equal(chmod(out, mode), 0);
}

static void seal_round_trip(void **state)
{
	struct vault_fixture *f = *state;
	char sealed[VAULT_SEALED_SIZE(256)];
	char again[VAULT_SEALED_SIZE(256)];
	/* The largest secret the journal keeps: 255 bytes. */
	char largest[256];
	const char *plains[] = {"", "x", CODE, largest};
	char plain[256];

	memset(largest, 'A', sizeof(largest) - 1);
	largest[sizeof(largest) - 1] = '\0';
	for (size_t i = 0; i < sizeof(plains) / sizeof(plains[0]); i++) {
		size_t length = strlen(plains[i]);

		assert_int_equal(vault_seal(f->vault, plains[i], ID_A, sealed,
					    VAULT_SEALED_SIZE(length + 1)),
				 VAULT_OK);
		assert_true(vault_is_sealed(sealed));
		assert_int_equal(strlen(sealed) + 1,
				 VAULT_SEALED_SIZE(length + 1));
		/* A one-letter text may well occur in base64 by chance. */
		if (length > 1)
			assert_null(strstr(sealed, plains[i]));
		assert_int_equal(vault_unseal(f->vault, sealed, ID_A, plain,
					      sizeof(plain)),
				 VAULT_OK);
		assert_string_equal(plain, plains[i]);

		/* A fresh nonce each time: the same text seals differently. */
		assert_int_equal(vault_seal(f->vault, plains[i], ID_A, again,
					    sizeof(again)),
				 VAULT_OK);
		assert_string_not_equal(again, sealed);
	}
}

/* The key survives in its file: a second vault on it unseals. */
static void key_file_reopened(void **state)
{
	struct vault_fixture *f = *state;
	struct vault *second = NULL;
	char sealed[VAULT_SEALED_SIZE(64)];
	char plain[64];

	assert_int_equal(vault_seal(f->vault, CODE, ID_A, sealed,
				    sizeof(sealed)),
			 VAULT_OK);
	assert_int_equal(vault_open(f->key, false, &second), VAULT_OK);
	assert_int_equal(vault_unseal(second, sealed, ID_A, plain,
				      sizeof(plain)),
			 VAULT_OK);
	assert_string_equal(plain, CODE);
	vault_close(second);
}

static void key_file_created_0600(void **state)
{
	struct vault_fixture *f = *state;
	struct stat st;

	assert_int_equal(stat(f->key, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, VAULT_KEY_BYTES);
}

static void wrong_key_rejected(void **state)
{
	struct vault_fixture *f = *state;
	struct vault *other = NULL;
	char path[256];
	char sealed[VAULT_SEALED_SIZE(64)];
	char plain[64];

	snprintf(path, sizeof(path), "%s/other.key", f->journal->dir);
	assert_int_equal(vault_open(path, true, &other), VAULT_OK);
	assert_int_equal(vault_seal(f->vault, CODE, ID_A, sealed,
				    sizeof(sealed)),
			 VAULT_OK);
	memset(plain, 'x', sizeof(plain));
	assert_int_equal(vault_unseal(other, sealed, ID_A, plain,
				      sizeof(plain)),
			 VAULT_EAUTH);
	assert_string_equal(plain, "");
	vault_close(other);
}

/* A sealed value moved to another operation does not unseal there. */
static void wrong_aad_rejected(void **state)
{
	struct vault_fixture *f = *state;
	char sealed[VAULT_SEALED_SIZE(64)];
	char plain[64];

	assert_int_equal(vault_seal(f->vault, CODE, ID_A, sealed,
				    sizeof(sealed)),
			 VAULT_OK);
	assert_int_equal(vault_unseal(f->vault, sealed, ID_B, plain,
				      sizeof(plain)),
			 VAULT_EAUTH);
	assert_int_equal(vault_unseal(f->vault, sealed, NULL, plain,
				      sizeof(plain)),
			 VAULT_EAUTH);
	assert_int_equal(vault_unseal(f->vault, sealed, "", plain,
				      sizeof(plain)),
			 VAULT_EAUTH);
}

/* Flip one bit of the decoded nonce, ciphertext or tag, and encode the
 * text again, so that the change is to the bytes, not to base64 padding
 * bits. */
static void tampered_byte_rejected(void **state)
{
	static const struct {
		const char *part;
		size_t offset; /* into nonce | ciphertext | tag */
	} cases[] = {
		{"nonce first", 0},
		{"nonce last", VAULT_NONCE_BYTES - 1},
		{"ciphertext first", VAULT_NONCE_BYTES},
		{"ciphertext last", VAULT_NONCE_BYTES + sizeof(CODE) - 2},
		{"tag first", VAULT_NONCE_BYTES + sizeof(CODE) - 1},
		{"tag last",
		 VAULT_NONCE_BYTES + sizeof(CODE) - 1 + VAULT_TAG_BYTES - 1},
	};
	struct vault_fixture *f = *state;
	char sealed[VAULT_SEALED_SIZE(64)];
	unsigned char raw[128];
	size_t raw_length;
	size_t written;
	char plain[64];

	assert_int_equal(vault_seal(f->vault, CODE, ID_A, sealed,
				    sizeof(sealed)),
			 VAULT_OK);
	assert_int_equal(mbedtls_base64_decode(raw, sizeof(raw), &raw_length,
					       (unsigned char *)sealed + 3,
					       strlen(sealed) - 3),
			 0);
	assert_int_equal(raw_length,
			 VAULT_NONCE_BYTES + sizeof(CODE) - 1 +
				 VAULT_TAG_BYTES);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char changed[128];
		char text[VAULT_SEALED_SIZE(64)] = VAULT_PREFIX;

		memcpy(changed, raw, raw_length);
		changed[cases[i].offset] ^= 0x01;
		assert_int_equal(mbedtls_base64_encode(
					 (unsigned char *)text + 3,
					 sizeof(text) - 3, &written, changed,
					 raw_length),
				 0);
		print_message("case %s\n", cases[i].part);
		assert_int_equal(vault_unseal(f->vault, text, ID_A, plain,
					      sizeof(plain)),
				 VAULT_EAUTH);
	}
}

static void truncated_rejected(void **state)
{
	static const struct {
		size_t keep; /* characters kept of the sealed text */
		int result;
	} cases[] = {
		{3, VAULT_EFORMAT},  /* the prefix only */
		{7, VAULT_EFORMAT},  /* 3 bytes, less than nonce and tag */
		{39, VAULT_EFORMAT}, /* 27 bytes, one short of nonce and tag */
		{43, VAULT_EAUTH},   /* 30 bytes: the tag is cut */
		{42, VAULT_EFORMAT}, /* not a whole base64 group */
	};
	struct vault_fixture *f = *state;
	char sealed[VAULT_SEALED_SIZE(64)];
	char plain[64];

	assert_int_equal(vault_seal(f->vault, CODE, ID_A, sealed,
				    sizeof(sealed)),
			 VAULT_OK);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[VAULT_SEALED_SIZE(64)];

		assert_true(cases[i].keep < strlen(sealed));
		snprintf(text, sizeof(text), "%.*s", (int)cases[i].keep,
			 sealed);
		print_message("case keep %zu\n", cases[i].keep);
		assert_int_equal(vault_unseal(f->vault, text, ID_A, plain,
					      sizeof(plain)),
				 cases[i].result);
	}
}

static void bad_prefix_rejected(void **state)
{
	static const struct {
		const char *text;
		int result;
	} cases[] = {
		{"", VAULT_EVERSION},
		{"v1", VAULT_EVERSION},
		{"v2:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", VAULT_EVERSION},
		{"V1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", VAULT_EVERSION},
		{CODE, VAULT_EVERSION},
		{"v1:not base64!", VAULT_EFORMAT},
	};
	struct vault_fixture *f = *state;
	char plain[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case %zu\n", i);
		assert_int_equal(vault_unseal(f->vault, cases[i].text, ID_A,
					      plain, sizeof(plain)),
				 cases[i].result);
	}
}

static void small_buffer_rejected(void **state)
{
	struct vault_fixture *f = *state;
	char sealed[VAULT_SEALED_SIZE(64)];
	char plain[sizeof(CODE)];

	assert_int_equal(vault_seal(f->vault, CODE, ID_A, sealed,
				    VAULT_SEALED_SIZE(sizeof(CODE)) - 1),
			 VAULT_ERANGE);
	assert_int_equal(vault_seal(f->vault, CODE, ID_A, sealed,
				    sizeof(sealed)),
			 VAULT_OK);
	assert_int_equal(vault_unseal(f->vault, sealed, ID_A, plain,
				      sizeof(plain) - 1),
			 VAULT_ERANGE);
	assert_int_equal(vault_unseal(f->vault, sealed, ID_A, plain,
				      sizeof(plain)),
			 VAULT_OK);
}

/* Each bad key file is rejected, and a missing one is created only when
 * the caller allows it. */
static void key_file_checks(void **state)
{
	static const struct {
		const char *name;
		size_t size;
		mode_t mode;
		int result;
	} cases[] = {
		{"good.key", VAULT_KEY_BYTES, 0600, VAULT_OK},
		{"read-only.key", VAULT_KEY_BYTES, 0400, VAULT_OK},
		{"world.key", VAULT_KEY_BYTES, 0644, VAULT_EMODE},
		{"group.key", VAULT_KEY_BYTES, 0640, VAULT_EMODE},
		{"other-write.key", VAULT_KEY_BYTES, 0602, VAULT_EMODE},
		{"short.key", VAULT_KEY_BYTES - 1, 0600, VAULT_ESIZE},
		{"long.key", VAULT_KEY_BYTES + 1, 0600, VAULT_ESIZE},
		{"empty.key", 0, 0600, VAULT_ESIZE},
	};
	struct vault_fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vault *vault = (struct vault *)f;
		char path[256];
		int rc;

		write_key(f, cases[i].name, cases[i].size, cases[i].mode,
			  path, sizeof(path));
		rc = vault_open(path, true, &vault);
		print_message("case %s\n", cases[i].name);
		assert_int_equal(rc, cases[i].result);
		if (rc != VAULT_OK)
			assert_null(vault);
		vault_close(vault);
	}
}

static void key_file_missing(void **state)
{
	struct vault_fixture *f = *state;
	struct vault *vault = (struct vault *)f;
	char path[256];

	snprintf(path, sizeof(path), "%s/missing.key", f->journal->dir);
	assert_int_equal(vault_open(path, false, &vault), VAULT_EMISSING);
	assert_null(vault);
	assert_int_not_equal(access(path, F_OK), 0);

	/* A folder where the key file should be is not a key file. */
	snprintf(path, sizeof(path), "%s/folder.key", f->journal->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(vault_open(path, true, &vault), VAULT_ENOTFILE);
	assert_null(vault);
	assert_int_equal(rmdir(path), 0);
}

/* A FIFO as key file is rejected at once: a blocking open() would wait
 * for a writer for ever, so alarm() ends the test run if it hangs. */
static void key_file_fifo(void **state)
{
	struct vault_fixture *f = *state;
	struct vault *vault = (struct vault *)f;
	char path[256];
	int rc;

	snprintf(path, sizeof(path), "%s/fifo.key", f->journal->dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(10);
	rc = vault_open(path, true, &vault);
	alarm(0);
	assert_int_equal(rc, VAULT_ENOTFILE);
	assert_null(vault);
	assert_int_equal(unlink(path), 0);
}

static void strerror_messages(void **state)
{
	(void)state;
	assert_string_equal(vault_strerror(VAULT_EMISSING),
			    "Journal key file is missing; restore it from "
			    "backup");
	assert_string_equal(vault_strerror(VAULT_EAUTH),
			    "Sealed value failed authentication (wrong key, "
			    "wrong row or changed bytes)");
	assert_string_equal(vault_strerror(-100), "Unknown vault error");
}

#define VAULT_TEST(name) \
	cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		VAULT_TEST(seal_round_trip),
		VAULT_TEST(key_file_reopened),
		VAULT_TEST(key_file_created_0600),
		VAULT_TEST(wrong_key_rejected),
		VAULT_TEST(wrong_aad_rejected),
		VAULT_TEST(tampered_byte_rejected),
		VAULT_TEST(truncated_rejected),
		VAULT_TEST(bad_prefix_rejected),
		VAULT_TEST(small_buffer_rejected),
		VAULT_TEST(key_file_checks),
		VAULT_TEST(key_file_missing),
		VAULT_TEST(key_file_fifo),
		cmocka_unit_test(strerror_messages),
	};

	return cmocka_run_group_tests_name("vault", tests, NULL, NULL);
}
