/* At-rest encryption of sensitive journal fields: AES-256-GCM through
 * mbedTLS with a key kept in its own file beside the journal. */
#ifndef SPOTAGENT_VAULT_H
#define SPOTAGENT_VAULT_H

#include <stdbool.h>
#include <stddef.h>

#define VAULT_KEY_BYTES 32   /* AES-256 */
#define VAULT_NONCE_BYTES 12 /* 96 bits, which GCM uses without GHASH */
#define VAULT_TAG_BYTES 16
#define VAULT_PREFIX "v1:"   /* format version of a sealed text */
#define VAULT_PREFIX_LENGTH 3

/* Buffer size for the sealed text of a plain text shorter than `plain`
 * bytes (a buffer size, so plain - 1 bytes of text): the prefix, the
 * base64 of nonce, ciphertext and tag, and the NUL. */
#define VAULT_SEALED_SIZE(plain)                                          \
	(VAULT_PREFIX_LENGTH +                                            \
	 4 * ((VAULT_NONCE_BYTES + (plain) - 1 + VAULT_TAG_BYTES + 2) / 3) + \
	 1)

enum vault_error {
	VAULT_OK = 0,
	VAULT_EIO = -1,       /* the key file cannot be read or written */
	VAULT_EMISSING = -2,  /* the key file does not exist */
	VAULT_EMODE = -3,     /* the key file is open to group or others */
	VAULT_ESIZE = -4,     /* the key file is not VAULT_KEY_BYTES long */
	VAULT_EAUTH = -5,     /* the tag does not match: wrong key, wrong
				 associated data or a changed byte */
	VAULT_EFORMAT = -6,   /* not base64, or too short to hold a nonce
				 and a tag */
	VAULT_EVERSION = -7,  /* no known version prefix */
	VAULT_ERANGE = -8,    /* the output buffer is too small */
	VAULT_ECRYPTO = -9,   /* mbedTLS failed (random numbers, cipher) */
	VAULT_EINVAL = -10,   /* NULL argument */
	VAULT_ENOTFILE = -11, /* the key file is not a regular file */
};

struct vault;

/* Load the 256-bit key from key_path into a new vault. When the file does
 * not exist and may_create is true, make a new random key
 * (mbedtls_entropy and CTR_DRBG) and write it to key_path with mode 0600;
 * a file made at the same time by another process is read instead. A key
 * file that is not a regular file (VAULT_ENOTFILE), grants any access to
 * group or others (VAULT_EMODE), or is not exactly VAULT_KEY_BYTES long
 * (VAULT_ESIZE) is rejected. Returns VAULT_OK and a vault that the
 * caller frees with vault_close, or a negative vault_error (logged with
 * the file name, except VAULT_EMISSING; *out is then NULL). */
int vault_open(const char *key_path, bool may_create, struct vault **out);

/* Wipe the key and free the vault. NULL is ignored. */
void vault_close(struct vault *vault);

/* Encrypt the text plain with AES-256-GCM under a fresh random nonce,
 * authenticating aad with it, and write VAULT_PREFIX followed by the
 * base64 of nonce, ciphertext and tag into sealed. Returns VAULT_OK,
 * VAULT_ERANGE when sealed is smaller than
 * VAULT_SEALED_SIZE(strlen(plain) + 1), or VAULT_ECRYPTO. */
int vault_seal(struct vault *vault, const char *plain, const char *aad,
	       char *sealed, size_t size);

/* Decrypt a text made by vault_seal with the same aad into plain.
 * Returns VAULT_OK; VAULT_EVERSION without the prefix; VAULT_EFORMAT for
 * text that is not base64 or too short; VAULT_EAUTH for a wrong key,
 * wrong aad, any changed byte or a plain text holding a NUL; VAULT_ERANGE
 * when plain is too small. plain is wiped on every failure. */
int vault_unseal(struct vault *vault, const char *sealed, const char *aad,
		 char *plain, size_t size);

/* True when text starts with VAULT_PREFIX, as every sealed text does. */
bool vault_is_sealed(const char *text);

/* A one-line message for a vault_error. */
const char *vault_strerror(int error);

#endif
