/* At-rest encryption of sensitive journal fields: the key file, and
 * sealing of texts with AES-256-GCM (mbedTLS) into base64 text. */
#define LOG_MODULE "vault"

#include "vault.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/base64.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/gcm.h>
#include <mbedtls/platform_util.h>

#include "../app/log.h"

/* Bytes of nonce, ciphertext and tag that a sealed text decodes to
 * besides the ciphertext. */
#define VAULT_OVERHEAD (VAULT_NONCE_BYTES + VAULT_TAG_BYTES)

/* Personalisation string of the CTR_DRBG, which separates its output
 * from other users of the same entropy source. */
static const char drbg_personal[] = "spotagent vault";

struct vault {
	unsigned char key[VAULT_KEY_BYTES];
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_gcm_context gcm;
};

/* Read exactly VAULT_KEY_BYTES from the open key file fd, after checking
 * its type and mode. */
static int read_key(int fd, const char *path, unsigned char *key)
{
	unsigned char extra;
	struct stat st;
	ssize_t got;

	if (fstat(fd, &st) != 0) {
		log_error("key file %s: cannot stat: %s", path,
			  strerror(errno));
		return VAULT_EIO;
	}
	if (!S_ISREG(st.st_mode)) {
		log_error("key file %s is not a regular file; restore the "
			  "key file from backup", path);
		return VAULT_ENOTFILE;
	}
	if ((st.st_mode & 0077) != 0) {
		log_error("key file %s has mode %04o, which gives group or "
			  "others access; set it to 0600 (chmod 600 %s)",
			  path, (unsigned)(st.st_mode & 07777), path);
		return VAULT_EMODE;
	}
	if (st.st_size != VAULT_KEY_BYTES) {
		log_error("key file %s is %lld bytes, expected %d; restore "
			  "it from backup", path, (long long)st.st_size,
			  VAULT_KEY_BYTES);
		return VAULT_ESIZE;
	}

	got = read(fd, key, VAULT_KEY_BYTES);
	if (got == VAULT_KEY_BYTES && read(fd, &extra, 1) == 0)
		return VAULT_OK;
	log_error("key file %s: cannot read %d bytes: %s", path,
		  VAULT_KEY_BYTES, got < 0 ? strerror(errno) : "short read");
	return VAULT_EIO;
}

/* Open and read the key file. VAULT_EMISSING when it does not exist.
 * A blocking open() of a FIFO waits until a writer appears, so
 * O_NONBLOCK makes it return at once. read_key then rejects the FIFO as
 * not a regular file. A regular file ignores O_NONBLOCK. */
static int load_key(const char *path, unsigned char *key)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int rc;

	if (fd < 0 && errno == ENOENT)
		return VAULT_EMISSING;
	if (fd < 0) {
		log_error("key file %s: cannot open: %s", path,
			  strerror(errno));
		return VAULT_EIO;
	}
	rc = read_key(fd, path, key);
	close(fd);
	return rc;
}

/* Write key to a new private file named from the template tmp (mode
 * 0600, made by mkstemp) and flush it to disk. */
static int write_new_file(char *tmp, const unsigned char *key)
{
	int fd = mkstemp(tmp);
	int rc = VAULT_OK;

	if (fd < 0) {
		log_error("key file %s: cannot create: %s", tmp,
			  strerror(errno));
		return VAULT_EIO;
	}
	if (write(fd, key, VAULT_KEY_BYTES) != VAULT_KEY_BYTES ||
	    fsync(fd) != 0) {
		log_error("key file %s: cannot write: %s", tmp,
			  strerror(errno));
		rc = VAULT_EIO;
	}
	if (close(fd) != 0 && rc == VAULT_OK) {
		log_error("key file %s: cannot close: %s", tmp,
			  strerror(errno));
		rc = VAULT_EIO;
	}
	return rc;
}

/* Flush the folder of path, so that a new name in it survives a power
 * cut: a key lost that way would leave every sealed value unreadable. */
static int sync_folder(const char *path)
{
	char folder[4096];
	char *slash;
	int fd;
	int rc = VAULT_OK;

	snprintf(folder, sizeof(folder), "%s", path);
	slash = strrchr(folder, '/');
	if (slash == NULL)
		snprintf(folder, sizeof(folder), ".");
	else if (slash == folder)
		folder[1] = '\0';
	else
		*slash = '\0';

	fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		log_error("key file %s: cannot flush folder %s: %s", path,
			  folder, strerror(errno));
		rc = VAULT_EIO;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Make a new key and publish it at path. The key goes to a private
 * temporary file that link() then names path, which fails when path
 * exists: two processes or threads that start on a new journal at once
 * end up with one key, and no reader ever sees a half-written file. */
static int create_key(struct vault *vault, const char *path)
{
	char tmp[4096];
	int rc;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    (int)sizeof(tmp)) {
		log_error("key file path %s is too long", path);
		return VAULT_EIO;
	}
	if (mbedtls_ctr_drbg_random(&vault->drbg, vault->key,
				    VAULT_KEY_BYTES) != 0) {
		log_error("key file %s: random number generator failed",
			  path);
		return VAULT_ECRYPTO;
	}

	rc = write_new_file(tmp, vault->key);
	if (rc != VAULT_OK)
		goto out;
	if (link(tmp, path) == 0) {
		rc = sync_folder(path);
		if (rc == VAULT_OK)
			log_info("created key file %s", path);
	} else if (errno == EEXIST) {
		rc = load_key(path, vault->key);
	} else {
		log_error("key file %s: cannot create: %s", path,
			  strerror(errno));
		rc = VAULT_EIO;
	}
out:
	unlink(tmp);
	return rc;
}

int vault_open(const char *key_path, bool may_create, struct vault **out)
{
	struct vault *vault;
	int rc;

	if (out == NULL)
		return VAULT_EINVAL;
	*out = NULL;
	if (key_path == NULL || key_path[0] == '\0')
		return VAULT_EINVAL;
	vault = calloc(1, sizeof(*vault));
	if (vault == NULL) {
		log_error("out of memory loading key file %s", key_path);
		return VAULT_EIO;
	}
	mbedtls_entropy_init(&vault->entropy);
	mbedtls_ctr_drbg_init(&vault->drbg);
	mbedtls_gcm_init(&vault->gcm);

	/* Nonces and new keys both come from this generator. */
	rc = mbedtls_ctr_drbg_seed(&vault->drbg, mbedtls_entropy_func,
				   &vault->entropy,
				   (const unsigned char *)drbg_personal,
				   sizeof(drbg_personal) - 1);
	if (rc != 0) {
		log_error("seeding the random number generator failed "
			  "(mbedTLS code -0x%04x)", (unsigned)-rc);
		rc = VAULT_ECRYPTO;
		goto fail;
	}

	rc = load_key(key_path, vault->key);
	if (rc == VAULT_EMISSING && may_create)
		rc = create_key(vault, key_path);
	if (rc != VAULT_OK)
		goto fail;

	if (mbedtls_gcm_setkey(&vault->gcm, MBEDTLS_CIPHER_ID_AES,
			       vault->key, VAULT_KEY_BYTES * 8) != 0) {
		log_error("key file %s: AES key setup failed", key_path);
		rc = VAULT_ECRYPTO;
		goto fail;
	}
	*out = vault;
	return VAULT_OK;
fail:
	vault_close(vault);
	return rc;
}

void vault_close(struct vault *vault)
{
	if (vault == NULL)
		return;
	mbedtls_gcm_free(&vault->gcm);
	mbedtls_ctr_drbg_free(&vault->drbg);
	mbedtls_entropy_free(&vault->entropy);
	mbedtls_platform_zeroize(vault, sizeof(*vault));
	free(vault);
}

static size_t aad_length(const char *aad)
{
	return aad == NULL ? 0 : strlen(aad);
}

int vault_seal(struct vault *vault, const char *plain, const char *aad,
	       char *sealed, size_t size)
{
	unsigned char *raw = NULL;
	size_t length;
	size_t written;
	int rc;

	if (vault == NULL || plain == NULL || sealed == NULL)
		return VAULT_EINVAL;
	length = strlen(plain);
	if (size < VAULT_SEALED_SIZE(length + 1))
		return VAULT_ERANGE;
	raw = malloc(VAULT_OVERHEAD + length);
	if (raw == NULL)
		return VAULT_ECRYPTO;

	/* raw is nonce | ciphertext | tag. */
	rc = mbedtls_ctr_drbg_random(&vault->drbg, raw, VAULT_NONCE_BYTES);
	if (rc == 0)
		rc = mbedtls_gcm_crypt_and_tag(
			&vault->gcm, MBEDTLS_GCM_ENCRYPT, length, raw,
			VAULT_NONCE_BYTES, (const unsigned char *)aad,
			aad_length(aad), (const unsigned char *)plain,
			raw + VAULT_NONCE_BYTES, VAULT_TAG_BYTES,
			raw + VAULT_NONCE_BYTES + length);
	if (rc != 0) {
		log_error("sealing failed (mbedTLS code -0x%04x)",
			  (unsigned)-rc);
		rc = VAULT_ECRYPTO;
		goto out;
	}

	memcpy(sealed, VAULT_PREFIX, VAULT_PREFIX_LENGTH);
	rc = mbedtls_base64_encode((unsigned char *)sealed +
					   VAULT_PREFIX_LENGTH,
				   size - VAULT_PREFIX_LENGTH, &written, raw,
				   VAULT_OVERHEAD + length);
	rc = rc == 0 ? VAULT_OK : VAULT_ERANGE;
out:
	mbedtls_platform_zeroize(raw, VAULT_OVERHEAD + length);
	free(raw);
	return rc;
}

/* Decode the base64 after the prefix into a new buffer of *length bytes,
 * which the caller frees. */
static int decode(const char *text, unsigned char **out, size_t *length)
{
	size_t text_length = strlen(text);
	size_t needed = 0;
	unsigned char *raw;
	int rc;

	/* A call with no buffer checks the text and returns the size. */
	rc = mbedtls_base64_decode(NULL, 0, &needed,
				   (const unsigned char *)text, text_length);
	if (rc == MBEDTLS_ERR_BASE64_INVALID_CHARACTER || needed == 0)
		return VAULT_EFORMAT;
	raw = malloc(needed);
	if (raw == NULL)
		return VAULT_ECRYPTO;
	rc = mbedtls_base64_decode(raw, needed, length,
				   (const unsigned char *)text, text_length);
	if (rc != 0 || *length < VAULT_OVERHEAD) {
		free(raw);
		return VAULT_EFORMAT;
	}
	*out = raw;
	return VAULT_OK;
}

int vault_unseal(struct vault *vault, const char *sealed, const char *aad,
		 char *plain, size_t size)
{
	unsigned char *raw = NULL;
	size_t length = 0;
	size_t text;
	int rc;

	if (vault == NULL || sealed == NULL || plain == NULL || size == 0)
		return VAULT_EINVAL;
	memset(plain, 0, size);
	if (!vault_is_sealed(sealed))
		return VAULT_EVERSION;
	rc = decode(sealed + VAULT_PREFIX_LENGTH, &raw, &length);
	if (rc != VAULT_OK)
		return rc;

	text = length - VAULT_OVERHEAD;
	if (text >= size) {
		rc = VAULT_ERANGE;
		goto out;
	}
	rc = mbedtls_gcm_auth_decrypt(
		&vault->gcm, text, raw, VAULT_NONCE_BYTES,
		(const unsigned char *)aad, aad_length(aad),
		raw + VAULT_NONCE_BYTES + text, VAULT_TAG_BYTES,
		raw + VAULT_NONCE_BYTES, (unsigned char *)plain);
	if (rc == MBEDTLS_ERR_GCM_AUTH_FAILED) {
		rc = VAULT_EAUTH;
	} else if (rc != 0) {
		log_error("unsealing failed (mbedTLS code -0x%04x)",
			  (unsigned)-rc);
		rc = VAULT_ECRYPTO;
	} else {
		/* Only vault_seal makes these, from a C string. */
		rc = memchr(plain, '\0', text) == NULL ? VAULT_OK
							: VAULT_EAUTH;
	}
out:
	if (rc != VAULT_OK)
		mbedtls_platform_zeroize(plain, size);
	mbedtls_platform_zeroize(raw, length);
	free(raw);
	return rc;
}

bool vault_is_sealed(const char *text)
{
	return text != NULL &&
	       strncmp(text, VAULT_PREFIX, VAULT_PREFIX_LENGTH) == 0;
}

const char *vault_strerror(int error)
{
	switch (error) {
	case VAULT_OK:
		return "Success";
	case VAULT_EIO:
		return "Journal key file cannot be read or written";
	case VAULT_EMISSING:
		return "Journal key file is missing; restore it from backup";
	case VAULT_EMODE:
		return "Journal key file is readable by group or others; "
		       "set its mode to 0600";
	case VAULT_ESIZE:
		return "Journal key file has the wrong size; restore it from "
		       "backup";
	case VAULT_EAUTH:
		return "Sealed value failed authentication (wrong key, wrong "
		       "row or changed bytes)";
	case VAULT_EFORMAT:
		return "Sealed value is truncated or not base64";
	case VAULT_EVERSION:
		return "Sealed value has an unknown format version";
	case VAULT_ERANGE:
		return "Buffer too small for the sealed or plain value";
	case VAULT_ECRYPTO:
		return "Encryption library failed (details in the log)";
	case VAULT_EINVAL:
		return "Invalid vault argument";
	case VAULT_ENOTFILE:
		return "Journal key file is not a regular file; restore it "
		       "from backup";
	default:
		return "Unknown vault error";
	}
}
