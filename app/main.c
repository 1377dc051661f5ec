/* spotagent: start-up, command line and the headless commands (status,
 * sync, submit, report; devices and print-test are in devices.c); the
 * interactive terminal itself lives in ui/. */
#define LOG_MODULE "main"
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../drivers/escpos.h"
#include "../drivers/printer.h"
#include "../drivers/usb.h"
#include "../ui/ui.h"
#include "app.h"
#include "devices.h"
#include "log.h"
#include "report.h"
#include "submit.h"

#define SPOTAGENT_VERSION "0.1.0"
#define SYNC_DEFAULT_SECONDS 120

enum exit_code {
	EXIT_DONE = 0,
	EXIT_FAILED = 1, /* the command ran and did not succeed */
	EXIT_USAGE = 2,  /* bad command line or configuration */
};

struct options {
	const char *config_path;
	const char *command;
	bool json;
	bool watch;
	bool timeout_given;
	long timeout;
	bool close_day;  /* report --close */
	bool force;      /* report --close --force */
	int64_t day;     /* report --day N; 0 for the open day */
};

static void print_usage(FILE *out)
{
	fprintf(out,
		"Usage: spotagent [--config FILE] [COMMAND]\n"
		"\n"
		"Commands:\n"
		"  (none)            run the terminal\n"
		"  status [--json]   queue counts by state and last sync\n"
		"  sync [--timeout SECONDS]\n"
		"                    send everything queued now; exit 0 only "
		"when\n"
		"                    nothing is left queued (default timeout "
		"%d s)\n"
		"  sync --watch      keep sending by itself until stopped "
		"(SIGTERM)\n"
		"  submit            journal operations given as JSON lines "
		"on\n"
		"                    standard input; prints \"queued ID\" "
		"for each\n"
		"  report [--json] [--day N]\n"
		"                    end-of-day report of the open day, or of "
		"closed\n"
		"                    day N, as text or JSON\n"
		"  report --close [--force] [--json]\n"
		"                    close the open day and print its "
		"report;\n"
		"                    --force closes with operations still "
		"pending\n"
		"  devices           list USB printers and card readers, "
		"whether\n"
		"                    each can be opened, and the configured "
		"printer\n"
		"  print-test        print a test page on the configured "
		"printer;\n"
		"                    exit 0 only when it printed\n"
		"\n"
		"Options:\n"
		"  -c, --config FILE configuration file (default %s)\n"
		"  -V, --version     print the versions of spotagent and its "
		"libraries\n"
		"  -h, --help        print this help\n",
		SYNC_DEFAULT_SECONDS, CONFIG_DEFAULT_PATH);
}

static void print_version(void)
{
	const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);

	printf("spotagent %s\n", SPOTAGENT_VERSION);
	printf("libcurl %s (TLS: %s)\n", curl->version,
	       curl->ssl_version != NULL ? curl->ssl_version : "none");
	printf("SQLite %s\n", sqlite3_libversion());
	printf("libusb %s\n", usb_library_version());
	printf("%s\n", ui_library_version());
	printf("jansson %s\n", jansson_version_str());
}

static bool is_command(const struct options *options, const char *name)
{
	return options->command != NULL && strcmp(options->command, name) == 0;
}

/* Reject options given to a command they do not apply to. */
static int check_option_use(const struct options *options)
{
	const char *wrong = NULL;

	if (options->json && !is_command(options, "status") &&
	    !is_command(options, "report"))
		wrong = "--json";
	else if ((options->close_day || options->day != 0) &&
		 !is_command(options, "report"))
		wrong = options->close_day ? "--close" : "--day";
	else if (options->force && !options->close_day)
		wrong = "--force";
	else if (options->day != 0 && options->close_day)
		wrong = "--day";
	else if (options->watch && !is_command(options, "sync"))
		wrong = "--watch";
	else if (options->timeout_given &&
		 (!is_command(options, "sync") || options->watch))
		wrong = "--timeout";
	if (wrong == NULL)
		return 0;
	if (options->close_day && strcmp(wrong, "--day") == 0)
		fprintf(stderr, "spotagent: --day does not apply to --close, "
				"which closes the open day\n");
	else if (strcmp(wrong, "--force") == 0)
		fprintf(stderr, "spotagent: --force applies only to report "
				"--close\n");
	else
		fprintf(stderr, "spotagent: %s does not apply to %s\n", wrong,
			options->command != NULL ? options->command
						 : "the terminal");
	return -1;
}

/* Parse the day number of --day. Returns -1 after printing what is
 * wrong. */
static int parse_day(const char *text, int64_t *day)
{
	char *end = NULL;
	long long value;

	errno = 0;
	value = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || value < 1) {
		fprintf(stderr, "spotagent: --day must be a day number, 1 or "
				"more (got \"%s\")\n",
			text);
		return -1;
	}
	*day = value;
	return 0;
}

/* Parse argv. Returns -1 after printing what is wrong, 1 when the program
 * should exit with EXIT_DONE (help, version), 0 to go on. */
static int parse_options(int argc, char **argv, struct options *options)
{
	static const struct option long_options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "watch", no_argument, NULL, 'w' },
		{ "close", no_argument, NULL, 'C' },
		{ "force", no_argument, NULL, 'f' },
		{ "day", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	char *end = NULL;
	int option;

	options->config_path = CONFIG_DEFAULT_PATH;
	options->timeout = SYNC_DEFAULT_SECONDS;
	while ((option = getopt_long(argc, argv, "c:Vh", long_options,
				     NULL)) != -1) {
		switch (option) {
		case 'c':
			options->config_path = optarg;
			break;
		case 'V':
			print_version();
			return 1;
		case 'h':
			print_usage(stdout);
			return 1;
		case 'j':
			options->json = true;
			break;
		case 'w':
			options->watch = true;
			break;
		case 'C':
			options->close_day = true;
			break;
		case 'f':
			options->force = true;
			break;
		case 'd':
			if (parse_day(optarg, &options->day) < 0)
				return -1;
			break;
		case 't':
			options->timeout_given = true;
			options->timeout = strtol(optarg, &end, 10);
			if (*end != '\0' || options->timeout < 1 ||
			    options->timeout > 86400) {
				fprintf(stderr, "spotagent: --timeout must be "
						"1 to 86400 seconds\n");
				return -1;
			}
			break;
		default:
			print_usage(stderr);
			return -1;
		}
	}
	if (optind < argc)
		options->command = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "spotagent: unexpected argument \"%s\"\n",
			argv[optind]);
		return -1;
	}
	if (options->command != NULL && strcmp(options->command, "status") &&
	    strcmp(options->command, "sync") &&
	    strcmp(options->command, "submit") &&
	    strcmp(options->command, "devices") &&
	    strcmp(options->command, "print-test") &&
	    strcmp(options->command, "report")) {
		fprintf(stderr, "spotagent: unknown command \"%s\"\n",
			options->command);
		print_usage(stderr);
		return -1;
	}
	return check_option_use(options);
}

static void print_status_json(const int64_t *counts, const char *last_sync)
{
	json_t *root = json_object();
	json_t *states = json_object();
	char *text;

	for (int state = 0; state < OP_STATE_COUNT; state++)
		json_object_set_new(states, journal_state_name(state),
				    json_integer(counts[state]));
	json_object_set_new(root, "operations", states);
	json_object_set_new(root, "waiting",
			    json_integer(counts[OP_QUEUED] +
					 counts[OP_IN_FLIGHT]));
	json_object_set_new(root, "last_sync",
			    last_sync != NULL ? json_string(last_sync)
					      : json_null());
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text != NULL)
		printf("%s\n", text);
	free(text);
	json_decref(root);
}

static int run_status(const struct config *config, bool json)
{
	struct journal *journal = NULL;
	int64_t counts[OP_STATE_COUNT] = { 0 };
	char last_sync[64];
	char message[PATH_MAX + 256];
	bool have_sync;
	int rc;

	if (access(config->journal_path, F_OK) != 0) {
		fprintf(stderr,
			"spotagent: journal %s does not exist yet; check "
			"[journal] path (the terminal creates it on first "
			"start)\n",
			config->journal_path);
		return EXIT_FAILED;
	}
	rc = journal_open(config->journal_path, &journal);
	if (rc == JOURNAL_OK)
		rc = journal_count_by_state(journal, counts);
	if (rc != JOURNAL_OK) {
		app_describe_journal_error(config->journal_path, rc, message,
				       sizeof(message));
		fprintf(stderr, "spotagent: %s\n", message);
		journal_close(journal);
		return EXIT_FAILED;
	}
	have_sync = journal_get_meta(journal, SYNC_META_LAST, last_sync,
				     sizeof(last_sync)) == JOURNAL_OK;
	journal_close(journal);

	if (json) {
		print_status_json(counts, have_sync ? last_sync : NULL);
		return EXIT_DONE;
	}
	for (int state = 0; state < OP_STATE_COUNT; state++)
		printf("%-16s %lld\n", journal_state_name(state),
		       (long long)counts[state]);
	printf("last sync        %s\n", have_sync ? last_sync : "never");
	return EXIT_DONE;
}

static int run_sync(const struct config *config, long timeout)
{
	int remaining;

	fprintf(stderr, "sync: sending to %s\n", config->url);
	remaining = sync_drain(config, (int64_t)time(NULL) + timeout, stderr);
	if (remaining < 0) {
		fprintf(stderr, "sync: cannot open the journal or the "
				"connection; see the log\n");
		return EXIT_FAILED;
	}
	fprintf(stderr,
		"sync: %d operation%s still waiting (queued or in flight)\n",
		remaining, remaining == 1 ? "" : "s");
	return remaining == 0 ? EXIT_DONE : EXIT_FAILED;
}

static volatile sig_atomic_t stop_signal;

static void note_stop_signal(int signal_number)
{
	stop_signal = signal_number;
}

/* Headless kiosk mode: the sync worker alone, until SIGTERM or SIGINT. */
static int run_watch(const struct config *config)
{
	struct sync_worker *worker = NULL;
	struct sigaction action = { .sa_handler = note_stop_signal };
	sigset_t blocked;
	sigset_t previous;

	sigemptyset(&blocked);
	sigaddset(&blocked, SIGTERM);
	sigaddset(&blocked, SIGINT);
	sigprocmask(SIG_BLOCK, &blocked, &previous);
	sigaction(SIGTERM, &action, NULL);
	sigaction(SIGINT, &action, NULL);
	if (sync_start(config, NULL, &worker) != 0) {
		fprintf(stderr, "sync: cannot start the sync worker\n");
		return EXIT_FAILED;
	}
	fprintf(stderr, "sync: sending to %s as operations come; stop with "
			"SIGTERM or Ctrl-C\n",
		config->url);
	while (stop_signal == 0)
		sigsuspend(&previous);
	log_info("stopping on signal %d", (int)stop_signal);
	sync_stop(worker);
	sigprocmask(SIG_SETMASK, &previous, NULL);
	return EXIT_DONE;
}

static int run_submit(const struct config *config)
{
	int failed = submit_run(config, stdin, stdout, stderr);

	return failed == 0 ? EXIT_DONE : EXIT_FAILED;
}

/* Print the report laid out for 80 mm paper, with centred lines centred
 * on its width. */
static int print_report_text(const struct report *report,
			     const struct config *config)
{
	const struct receipt_context context = {
		.terminal_id = config->terminal_id,
	};
	struct receipt receipt;

	if (report_layout(report, &context, RECEIPT_COLUMNS_80MM,
			  &receipt) != 0) {
		fprintf(stderr, "spotagent: the report has more lines than a "
				"receipt holds; use --json\n");
		return EXIT_FAILED;
	}
	for (int i = 0; i < receipt.count; i++) {
		const struct receipt_line *line = &receipt.lines[i];
		int pad = 0;

		if (line->style == RECEIPT_STYLE_CENTER)
			pad = (receipt.columns - (int)strlen(line->text)) / 2;
		printf("%*s%s\n", pad > 0 ? pad : 0, "", line->text);
	}
	return EXIT_DONE;
}

static int print_report_json(const struct report *report)
{
	static char json[REPORT_JSON_SIZE];
	int rc = report_json(report, json, sizeof(json));

	if (rc != REPORT_OK) {
		fprintf(stderr, "spotagent: %s\n", report_strerror(rc));
		return EXIT_FAILED;
	}
	printf("%s\n", json);
	return EXIT_DONE;
}

/* Build, read or close the day's report on the journal, with the reason
 * on stderr when refused. */
static int load_report(struct journal *journal, const struct options *options,
		       struct report *report)
{
	int rc;

	if (options->close_day)
		rc = report_close_day(journal, (int64_t)time(NULL),
				      options->force, report);
	else if (options->day != 0)
		rc = report_get_closed(journal, options->day, report);
	else
		rc = report_build(journal, report);
	if (rc == REPORT_OK)
		return 0;

	if (rc == REPORT_EINVAL && options->day != 0)
		fprintf(stderr, "spotagent: day %lld is not closed\n",
			(long long)options->day);
	else if (rc == REPORT_EPENDING)
		fprintf(stderr, "spotagent: some operations of the open day "
				"are still pending: run `spotagent sync` "
				"first, or close anyway with `spotagent "
				"report --close --force`\n");
	else
		fprintf(stderr, "spotagent: %s\n", report_strerror(rc));
	return -1;
}

/* Add the Z report of a day just closed as a print job for the printer
 * of config, laid out for its profile, and write a line about it to out. The
 * terminal's print worker polls the journal and prints it; this command
 * does not open the printer, which the terminal may hold. Returns 0, or
 * -1 with the reason on stderr (the day stays closed). */
static int queue_closed_report(struct journal *journal,
			       const struct config *config,
			       const struct report *report, FILE *out)
{
	const struct escpos_profile *profile;
	struct receipt_context context = { .terminal_id = config->terminal_id };
	struct receipt receipt;
	struct escpos_buf job;
	int rc = -1;

	if (strcmp(config->printer, "none") == 0 || config->printer[0] == '\0')
		return 0;
	profile = app_print_profile_of(journal, config);
	context.profile = profile;
	escpos_init(&job);
	if (report_layout(report, &context, profile->columns, &receipt) != 0) {
		fprintf(stderr, "spotagent: Z report not printed: it does not "
				"fit a receipt\n");
		goto out;
	}
	escpos_set_profile(&job, profile);
	rc = receipt_encode(&receipt, &job);
	if (rc == 0)
		rc = journal_print_add(journal, NULL, PRINT_KIND_REPORT,
				       job.data, job.len, -1,
				       (int64_t)time(NULL), NULL);
	if (rc != 0) {
		fprintf(stderr, "spotagent: Z report not printed: %s\n",
			job.error != 0 ? escpos_strerror(job.error)
				       : journal_strerror(rc));
		rc = -1;
		goto out;
	}
	fprintf(out,
		"Z report of day %lld added to the print queue: the "
		"running terminal prints it within %d s once the printer is "
		"ready, or after its next start\n",
		(long long)report->day, PRINT_QUEUE_IDLE_POLL_MS / 1000);
out:
	escpos_free(&job);
	return rc;
}

static int run_report(const struct config *config,
		      const struct options *options)
{
	static struct report report;
	struct journal *journal = NULL;
	char message[PATH_MAX + 256];
	int rc;

	if (access(config->journal_path, F_OK) != 0) {
		fprintf(stderr,
			"spotagent: journal %s does not exist yet; check "
			"[journal] path (the terminal creates it on first "
			"start)\n",
			config->journal_path);
		return EXIT_FAILED;
	}
	rc = journal_open(config->journal_path, &journal);
	if (rc != JOURNAL_OK) {
		app_describe_journal_error(config->journal_path, rc, message,
					   sizeof(message));
		fprintf(stderr, "spotagent: %s\n", message);
		return EXIT_FAILED;
	}
	rc = load_report(journal, options, &report);
	if (rc != 0) {
		journal_close(journal);
		return EXIT_FAILED;
	}

	rc = options->json ? print_report_json(&report)
			   : print_report_text(&report, config);
	/* The day is closed whether or not its Z report can be queued, so
	 * a print failure is reported but does not fail the command. */
	if (options->close_day && rc == EXIT_DONE &&
	    queue_closed_report(journal, config, &report,
				options->json ? stderr : stdout) != 0)
		fprintf(stderr, "spotagent: day %lld is closed; print its Z "
				"report from the terminal's report screen "
				"(D)\n",
			(long long)report.day);
	journal_close(journal);
	return rc;
}

static int run_devices(const struct config *config)
{
	return devices_list(config) == 0 ? EXIT_DONE : EXIT_FAILED;
}

static int run_print_test(const struct config *config)
{
	return devices_print_test(config, SPOTAGENT_VERSION) == 0 ? EXIT_DONE
								  : EXIT_FAILED;
}

static int run_terminal(struct app *app)
{
	char error[512];
	int result;

	if (app_open(app, error, sizeof(error)) != 0) {
		fprintf(stderr, "spotagent: %s\n", error);
		log_error("start-up failed: %s", error);
		return EXIT_FAILED;
	}
	result = ui_run(app) == 0 ? EXIT_DONE : EXIT_FAILED;
	app_close(app);
	return result;
}

int main(int argc, char **argv)
{
	static struct app app;
	struct options options = { 0 };
	char error[1024];
	int result;

	result = parse_options(argc, argv, &options);
	if (result != 0)
		return result > 0 ? EXIT_DONE : EXIT_USAGE;
	if (config_load(options.config_path, &app.config, error,
			sizeof(error)) != 0) {
		fprintf(stderr, "spotagent: %s\n", error);
		return EXIT_USAGE;
	}
	if (log_open(app.config.log_target, app.config.log_level) != 0)
		fprintf(stderr, "spotagent: [log] file %s cannot be opened; "
				"logging to stderr\n",
			app.config.log_target);
	if (transport_global_init() != 0) {
		fprintf(stderr, "spotagent: libcurl cannot start\n");
		return EXIT_FAILED;
	}
	signal(SIGPIPE, SIG_IGN);
	log_info("spotagent %s starting (%s) as terminal %s",
		 SPOTAGENT_VERSION,
		 options.command != NULL ? options.command : "terminal",
		 app.config.terminal_id);

	if (options.command == NULL)
		result = run_terminal(&app);
	else if (strcmp(options.command, "status") == 0)
		result = run_status(&app.config, options.json);
	else if (strcmp(options.command, "submit") == 0)
		result = run_submit(&app.config);
	else if (strcmp(options.command, "report") == 0)
		result = run_report(&app.config, &options);
	else if (strcmp(options.command, "devices") == 0)
		result = run_devices(&app.config);
	else if (strcmp(options.command, "print-test") == 0)
		result = run_print_test(&app.config);
	else if (options.watch)
		result = run_watch(&app.config);
	else
		result = run_sync(&app.config, options.timeout);

	log_info("spotagent stopping, exit code %d", result);
	transport_global_cleanup();
	log_close();
	return result;
}
