/* Terminal configuration read from an INI file. */
#ifndef SPOTAGENT_CONFIG_H
#define SPOTAGENT_CONFIG_H

#include <stddef.h>

#define CONFIG_DEFAULT_PATH "/etc/spotagent/spotagent.conf"
#define CONFIG_TEXT_SIZE 512

#define CONFIG_PROFILE_SIZE 48
/* Room for a verification URL of 180 bytes: with a reference of up to 64
 * bytes it fits the smallest QR code of the profiles (251 bytes). */
#define CONFIG_URL_SIZE 181

/* [printer] drawer: which pin of the drawer kick connector pulses. */
enum config_drawer {
	CONFIG_DRAWER_NONE = 0,
	CONFIG_DRAWER_PIN2 = 1,
	CONFIG_DRAWER_PIN5 = 2,
};

/* [card] reader: whether the card worker opens a CCID chip reader. */
enum config_card_reader {
	CONFIG_CARD_READER_AUTO = 0, /* the first CCID reader connected */
	CONFIG_CARD_READER_NONE = 1,
};

/* [card] hid: "none", "auto" or "VVVV:PPPP", plus the NUL. */
#define CONFIG_CARD_HID_SIZE 10

struct config {
	char url[CONFIG_TEXT_SIZE];        /* [central] url, https://... */
	char ca_file[CONFIG_TEXT_SIZE];    /* [central] ca_file */
	char cert_file[CONFIG_TEXT_SIZE];  /* [central] cert_file */
	char key_file[CONFIG_TEXT_SIZE];   /* [central] key_file */
	char pin[CONFIG_TEXT_SIZE];        /* [central] pin, optional */
	int connect_timeout;               /* [central] seconds */
	int request_timeout;               /* [central] seconds */
	char terminal_id[33];              /* [terminal] id */
	char currency[4];                  /* [terminal] currency */
	int lock_minutes;                  /* [terminal] lock_minutes */
	int offline_login_hours;           /* [terminal]
					      offline_login_hours */
	char journal_path[CONFIG_TEXT_SIZE]; /* [journal] path */
	char journal_key_file[CONFIG_TEXT_SIZE]; /* [journal] key_file,
						    default path + ".key" */
	char printer[CONFIG_TEXT_SIZE];    /* [printer] device */
	int paper_columns;                 /* [printer] paper 58 or 80 mm,
					      stored as 32 or 48 columns;
					      without it, the columns of a
					      profile other than auto */
	char printer_profile[CONFIG_PROFILE_SIZE]; /* [printer] profile:
						      "auto" or a profile */
	int drawer;                        /* [printer] drawer: one of
					      enum config_drawer */
	int drawer_on_ms;                  /* [printer] drawer_on_ms */
	int drawer_off_ms;                 /* [printer] drawer_off_ms */
	int qr;                            /* [printer] qr: 1 yes, 0 no */
	int barcode;                       /* [printer] barcode: 1 yes */
	char verify_url[CONFIG_URL_SIZE];  /* [printer] verify_url, or
					      empty */
	char log_target[CONFIG_TEXT_SIZE]; /* [log] file: path or syslog */
	int log_level;                     /* [log] level */
	int retry_min;                     /* [sync] retry_min_seconds */
	int retry_max;                     /* [sync] retry_max_seconds */
	int idle_check;                    /* [sync] idle_check_seconds */
	int batch_size;                    /* [sync] batch_size */
	int policy_refresh;                /* [sync] policy_refresh_seconds */

	/* The [card] section. */
	int card_reader;                   /* [card] reader: one of enum
					      config_card_reader */
	char card_hid[CONFIG_CARD_HID_SIZE]; /* [card] hid */
	int card_timeout;                  /* [card] timeout, seconds */
};

/* Read and validate path into *out. On failure writes a one-line message
 * naming the setting and the file into error and returns -1. Paths in the
 * file that are relative are taken relative to the file's folder. On
 * success also makes [journal] key_file the key file of the journal for
 * this process (journal_set_key_file). */
int config_load(const char *path, struct config *out, char *error,
		size_t error_size);

#endif
