/* A CCID reader on the USB layer: open and close, slot status, power on
 * with voltage and protocol selection, power off, the card channel and
 * interrupt notifications (CCID specification 1.1). */
#define LOG_MODULE "ccid"
#include "ccid.h"
#include "ccid_reader_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mbedtls/platform_util.h>

#include "../app/log.h"

/* The wait for a reply to a command the card does not take part in. */
#define COMMAND_TIMEOUT_MS 3000
/* Power on: the card's ATR, and a reader with automatic voltage
 * selection may try every class first. */
#define POWER_ON_TIMEOUT_MS 5000
/* The pause with the card deactivated before the next voltage class.
 * NOTE: ISO/IEC 7816-3 6.2.4 sets a minimum here; 10 ms is taken as that
 * minimum without the text at hand to check it. */
#define CLASS_PAUSE_MS 10
/* An interrupt IN packet at full speed. */
#define NOTICE_SIZE 64
/* Unknown interrupt messages skipped in one ccid_wait_notice, and the
 * interval at which they are logged. */
#define NOTICE_SKIP_MAX 16
#define NOTICE_LOG_EVERY 100

/* bPowerSelect of PC_to_RDR_IccPowerOn (CCID 1.1 6.1.1). */
#define POWER_AUTO 0
#define POWER_5V 1
#define POWER_3V 2
#define POWER_1_8V 3

/* PC_to_RDR_SetParameters data (CCID 1.1 6.1.7): bmTCCKST bit 1 is the
 * inverse convention, and for T=1 bits 4 and 0 are "T=1" and CRC. */
#define TCCKST_INVERSE 0x02
#define TCCKST1_BASE 0x10
#define TCCKST1_CRC 0x01
/* dwFeatures: automatic parameter negotiation and automatic PPS made by
 * the reader (CCID 1.1 table 5.1-1). */
#define FEATURE_PPS 0x000000C0u

static size_t round_up(size_t value, size_t unit)
{
	return (value + unit - 1) / unit * unit;
}

static int check_interface(const struct usb_device_info *info,
			   struct ccid_descriptor *descriptor)
{
	int rc = ccid_parse_descriptor(info->class_descriptor,
				       info->class_descriptor_len, descriptor);

	if (rc != CCID_OK) {
		log_error("card reader %s: CCID class descriptor of %zu bytes "
			  "missing or malformed", info->model,
			  info->class_descriptor_len);
		return rc;
	}
	if (info->ep_bulk_in == 0 || info->ep_bulk_out == 0) {
		log_error("card reader %s: no bulk endpoints", info->model);
		return CCID_EDESCRIPTOR;
	}
	if (descriptor->level == CCID_LEVEL_CHARACTER) {
		log_error("card reader %s exchanges characters only; the "
			  "driver needs a TPDU or APDU level reader",
			  info->model);
		return CCID_ENOTSUP;
	}
	return CCID_OK;
}

int ccid_open(struct usb_context *context, const struct usb_device_info *info,
	      struct ccid_reader **out)
{
	struct ccid_reader *reader = NULL;
	size_t packet;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (context == NULL || info == NULL || out == NULL)
		return CCID_EINVAL;

	reader = calloc(1, sizeof(*reader));
	if (reader == NULL)
		return CCID_ENOMEM;
	reader->info = *info;
	rc = check_interface(info, &reader->descriptor);
	if (rc != CCID_OK)
		goto out;

	reader->message_max = reader->descriptor.max_message;
	if (reader->message_max > CCID_MESSAGE_CAP)
		reader->message_max = CCID_MESSAGE_CAP;
	packet = info->max_packet_in ? info->max_packet_in : 64;
	reader->buffer_size = round_up(reader->message_max, packet) + packet;
	reader->buffer = malloc(reader->buffer_size);
	if (reader->buffer == NULL) {
		rc = CCID_ENOMEM;
		goto out;
	}

	rc = ccid_from_usb(usb_open(context, info, &reader->usb));
	if (rc != CCID_OK)
		goto out;
	log_info("card reader %s opened: level %d, max message %zu bytes",
		 info->model, (int)reader->descriptor.level,
		 reader->message_max);
	*out = reader;
	reader = NULL;
out:
	if (reader != NULL) {
		free(reader->buffer);
		free(reader);
	}
	return rc;
}

void ccid_set_cancel(struct ccid_reader *reader,
		     bool (*cancelled)(void *data), void *data)
{
	if (reader == NULL)
		return;
	reader->cancelled = cancelled;
	reader->cancel_data = data;
}

void ccid_close(struct ccid_reader *reader)
{
	if (reader == NULL)
		return;
	if (reader->powered)
		(void)ccid_power_off(reader);
	usb_close(reader->usb);
	mbedtls_platform_zeroize(reader->buffer, reader->buffer_size);
	free(reader->buffer);
	free(reader);
}

const struct ccid_descriptor *ccid_descriptor_of(
	const struct ccid_reader *reader)
{
	return &reader->descriptor;
}

int ccid_slot_status(struct ccid_reader *reader, enum ccid_icc *icc)
{
	struct ccid_reply reply;
	int rc;

	if (reader == NULL || icc == NULL)
		return CCID_EINVAL;
	rc = ccid_command(reader, CCID_PC_GET_SLOT_STATUS, NULL, NULL, 0,
			  COMMAND_TIMEOUT_MS, &reply);

	/* An empty or mute slot is a state, not a failure, here. */
	if (rc == CCID_ENOCARD || rc == CCID_EMUTE)
		rc = CCID_OK;
	if (rc != CCID_OK)
		return rc;
	*icc = reply.icc;
	if (reply.icc != CCID_ICC_ACTIVE)
		reader->powered = false;
	return CCID_OK;
}

int ccid_power_off(struct ccid_reader *reader)
{
	struct ccid_reply reply;
	int rc;

	if (reader == NULL)
		return CCID_EINVAL;
	reader->powered = false;
	rc = ccid_command(reader, CCID_PC_POWER_OFF, NULL, NULL, 0,
			  COMMAND_TIMEOUT_MS, &reply);
	if (rc == CCID_ENOCARD)
		return CCID_OK;
	return rc;
}

static void pause_ms(long ms)
{
	struct timespec delay = {.tv_sec = 0, .tv_nsec = ms * 1000000L};

	nanosleep(&delay, NULL);
}

/* Power on once with bPowerSelect select; the ATR goes to atr. */
static int power_on_class(struct ccid_reader *reader, uint8_t select,
			  uint8_t *atr, size_t *atr_len)
{
	const uint8_t specific[3] = {select, 0, 0};
	struct ccid_reply reply;
	int rc = ccid_command(reader, CCID_PC_POWER_ON, specific, NULL, 0,
			      POWER_ON_TIMEOUT_MS, &reply);

	if (rc != CCID_OK)
		return rc;
	if (reply.length == 0 || reply.length > CCID_ATR_MAX) {
		log_warn("card reader sent an ATR of %zu bytes", reply.length);
		return CCID_EFRAME;
	}
	memcpy(atr, reply.data, reply.length);
	*atr_len = reply.length;
	return CCID_OK;
}

/* Power on with the reader's choice of voltage, or with each class the
 * reader supplies, from the lowest, until the card sends an ATR. */
static int activate(struct ccid_reader *reader, uint8_t *atr,
		    size_t *atr_len)
{
	static const struct {
		uint8_t bit;
		uint8_t select;
	} classes[] = {
		{CCID_VOLTAGE_1_8V, POWER_1_8V},
		{CCID_VOLTAGE_3V, POWER_3V},
		{CCID_VOLTAGE_5V, POWER_5V},
	};
	const struct ccid_descriptor *d = &reader->descriptor;
	/* A reader that lists no class may still refuse bPowerSelect 0
	 * without automatic voltage selection, so each class is tried. */
	uint8_t voltages = d->voltages & 0x07 ? d->voltages : 0x07;
	int rc = CCID_EMUTE;

	if (d->auto_voltage)
		return power_on_class(reader, POWER_AUTO, atr, atr_len);

	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		if ((voltages & classes[i].bit) == 0)
			continue;
		rc = power_on_class(reader, classes[i].select, atr, atr_len);
		if (rc == CCID_OK || rc == CCID_ENOCARD || rc == CCID_ENODEV)
			return rc;
		if (rc != CCID_EMUTE && rc != CCID_ENOTSUP &&
		    rc != CCID_EFRAME)
			return rc;
		log_info("no answer to reset at bPowerSelect %u (%s); trying "
			 "the next voltage", classes[i].select,
			 ccid_strerror(rc));
		(void)ccid_power_off(reader);
		pause_ms(CLASS_PAUSE_MS);
	}
	return rc == CCID_ENOTSUP || rc == CCID_EFRAME ? rc : CCID_EMUTE;
}

/* Whether the reader makes PPS itself, so that the host may choose the
 * protocol: dwFeatures 0x40 (automatic parameter negotiation) or 0x80
 * (automatic PPS), CCID 1.1 table 5.1-1. */
static bool reader_makes_pps(const struct ccid_reader *reader)
{
	return (reader->descriptor.features & FEATURE_PPS) != 0;
}

/* Choose T=0 or T=1 for the card on this reader. Returns the protocol or
 * CCID_ENOTSUP. */
static int choose_protocol(const struct ccid_reader *reader,
			   const struct ccid_atr *atr)
{
	const struct ccid_descriptor *d = &reader->descriptor;
	bool choice = reader_makes_pps(reader) && !atr->specific_mode;
	int protocol = atr->default_protocol;

	if (choice)
		protocol = atr->t1 && d->level != CCID_LEVEL_TPDU ? 1 : 0;
	if (protocol == 0 && !atr->t0 && !atr->specific_mode)
		protocol = -1;

	/* Only T=0 TPDUs are implemented at TPDU level. */
	if (d->level == CCID_LEVEL_TPDU && protocol != 0) {
		log_error("card reader %s works at TPDU level and cannot "
			  "read this card: it needs the T=1 block protocol, "
			  "which the driver does not implement; swipe the "
			  "card or use an APDU-level reader",
			  reader->info.model);
		return CCID_ENOTSUP;
	}
	if ((protocol != 0 && protocol != 1) ||
	    (d->protocols & (1u << protocol)) == 0) {
		log_error("card reader %s cannot read this card: protocol "
			  "T=%d, reader dwProtocols 0x%x", reader->info.model,
			  protocol, (unsigned)d->protocols);
		return CCID_ENOTSUP;
	}
	return protocol;
}

/* PC_to_RDR_SetParameters for protocol, when the reader does not set
 * them from the ATR itself. */
static int set_parameters(struct ccid_reader *reader,
			  const struct ccid_atr *atr, int protocol)
{
	const uint8_t specific[3] = {(uint8_t)protocol, 0, 0};
	uint8_t data[7];
	size_t len = 5;
	struct ccid_reply reply;
	int rc;

	/* Without PPS the card keeps Fd and Dd (TA1 = 11) unless its
	 * specific mode imposes TA1. */
	data[0] = atr->specific_ta1 || reader_makes_pps(reader) ? atr->ta1
								: 0x11;
	data[1] = atr->inverse ? TCCKST_INVERSE : 0;
	data[2] = atr->tc1;
	data[3] = atr->wi;
	data[4] = 0; /* bClockStop: stopping the clock is not allowed */
	if (protocol == 1) {
		data[1] |= TCCKST1_BASE | (atr->crc ? TCCKST1_CRC : 0);
		data[3] = (uint8_t)(atr->bwi << 4 | (atr->cwi & 0x0F));
		data[5] = atr->ifsc;
		data[6] = 0; /* bNadValue */
		len = 7;
	}
	rc = ccid_command(reader, CCID_PC_SET_PARAMETERS, specific, data, len,
			  COMMAND_TIMEOUT_MS, &reply);
	if (rc != CCID_OK)
		log_warn("SetParameters for T=%d failed: %s (bError 0x%02x)",
			 protocol, ccid_strerror(rc), reply.error);
	return rc;
}

static void log_atr(const uint8_t *atr, size_t len)
{
	char hex[CCID_ATR_MAX * 3 + 1] = "";

	/* An ATR names the card's chip and protocols, no cardholder data. */
	for (size_t i = 0; i < len; i++)
		snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02X ", atr[i]);
	log_info("ATR %s", hex);
}

int ccid_power_on(struct ccid_reader *reader, struct ccid_atr *atr)
{
	uint8_t bytes[CCID_ATR_MAX];
	size_t len = 0;
	int protocol;
	int rc;

	if (reader == NULL || atr == NULL)
		return CCID_EINVAL;
	rc = activate(reader, bytes, &len);
	if (rc != CCID_OK)
		return rc;
	log_atr(bytes, len);

	rc = ccid_parse_atr(bytes, len, atr);
	if (rc != CCID_OK) {
		log_warn("malformed ATR of %zu bytes", len);
		goto fail;
	}
	protocol = choose_protocol(reader, atr);
	if (protocol < 0) {
		rc = protocol;
		goto fail;
	}
	if (!reader->descriptor.auto_parameters) {
		rc = set_parameters(reader, atr, protocol);
		if (rc != CCID_OK)
			goto fail;
	}

	reader->protocol = protocol;
	reader->reply_timeout_ms = ccid_reply_timeout_ms(
		atr, protocol, reader->descriptor.default_clock_khz);
	reader->powered = true;
	log_info("card powered: T=%d, reply timeout %u ms%s", protocol,
		 reader->reply_timeout_ms,
		 atr->contactless ? ", contactless" : "");
	return CCID_OK;
fail:
	if (rc != CCID_ENODEV)
		(void)ccid_power_off(reader);
	return rc;
}

static int channel_exchange(void *data, const uint8_t *command, size_t len,
			    uint8_t *reply, size_t size, size_t *got)
{
	int rc = ccid_transmit(data, command, len, reply, size, got);

	return ccid_to_card_error(rc);
}

void ccid_channel(struct ccid_reader *reader, const struct ccid_atr *atr,
		  struct card_channel *out)
{
	memset(out, 0, sizeof(*out));
	out->transport = reader->descriptor.level == CCID_LEVEL_TPDU
				 ? CARD_TRANSPORT_TPDU_T0
				 : CARD_TRANSPORT_APDU;
	out->contactless = atr != NULL && atr->contactless;
	out->exchange = channel_exchange;
	out->data = reader;
}

/* Read and parse one interrupt message within timeout_ms. Returns as
 * ccid_wait_notice, or CCID_ENOTSUP, after logging it, for a message of
 * a type CCID 1.1 does not define. */
static int read_notice(struct ccid_reader *reader, int timeout_ms,
		       struct ccid_notice *out)
{
	uint8_t buffer[NOTICE_SIZE];
	size_t got = 0;
	int rc;

	rc = usb_interrupt_read(reader->usb, buffer, sizeof(buffer),
				timeout_ms > 0 ? timeout_ms : 1, &got);
	if (rc == USB_ETIMEOUT)
		return 0;
	if (rc != USB_OK)
		return ccid_from_usb(rc);

	rc = ccid_parse_notice(buffer, got, out);
	if (rc == CCID_ENOTSUP) {
		/* The first and then every NOTICE_LOG_EVERY-th, because a
		 * reader may send its own messages all the time. */
		if (reader->notices_skipped++ % NOTICE_LOG_EVERY == 0)
			log_info("card reader %s sent an interrupt message of "
				 "unknown type 0x%02x (%zu bytes, %lu so far); "
				 "skipped", reader->info.model, buffer[0], got,
				 reader->notices_skipped);
		return rc;
	}
	if (rc != CCID_OK) {
		/* Counted and logged as the unknown ones, because a broken
		 * reader can send them without pause. */
		if (reader->notices_logged++ % NOTICE_LOG_EVERY == 0)
			log_warn("card reader %s sent a malformed notification "
				 "of %zu bytes, type 0x%02x (%lu so far)",
				 reader->info.model, got,
				 got > 0 ? buffer[0] : 0,
				 reader->notices_logged);
		return rc;
	}
	return 1;
}

int ccid_wait_notice(struct ccid_reader *reader, int timeout_ms,
		     struct ccid_notice *out)
{
	int64_t deadline;
	int rc = 0;

	if (reader == NULL || out == NULL)
		return CCID_EINVAL;
	if (reader->unplugged)
		return CCID_ENODEV;
	if (reader->info.ep_interrupt_in == 0)
		return CCID_ENOTSUP;

	deadline = ccid_clock_ms() + (timeout_ms > 0 ? timeout_ms : 1);
	for (int skipped = 0; skipped <= NOTICE_SKIP_MAX; skipped++) {
		int64_t left = deadline - ccid_clock_ms();

		if (left <= 0)
			return 0;
		rc = read_notice(reader, left > INT32_MAX ? INT32_MAX
							  : (int)left, out);
		if (rc != CCID_ENOTSUP)
			break;
	}
	if (rc == CCID_ENOTSUP)
		return 0;
	if (rc == CCID_ENODEV) {
		reader->unplugged = true;
		reader->powered = false;
	}
	/* Only slot 0 is used: another slot's error leaves it powered. */
	if (rc == 1 && out->kind == CCID_NOTICE_HARDWARE && out->slot == 0) {
		log_error("card reader %s reported hardware error code %u on "
			  "slot 0", reader->info.model, out->code);
		reader->powered = false;
	}
	return rc;
}
