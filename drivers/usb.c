/* The USB layer on libusb: one context with an event thread, discovery by
 * interface class and known ids, hotplug, opening and claiming devices. */
#define LOG_MODULE "usb"
#include "usb.h"
#include "usb_internal.h"

#include <libusb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/log.h"

/* How long the event thread waits in libusb before it checks whether the
 * context is closing; libusb_interrupt_event_handler cuts it short. */
#define USB_EVENT_WAIT_MS 200
/* Devices remembered for removal reports; more are reported without a
 * model. */
#define USB_PRESENT_MAX 32
/* Interfaces looked at per device while classifying it. */
#define USB_DEVICE_INTERFACES_MAX 8
#define USB_WATCH_KINDS 3

#define EPSON_VENDOR               0x04b8
#define EPSON_VENDOR_CLASS_PRODUCT 0x0202

struct usb_watcher {
	usb_hotplug_fn fn;
	void *data;
};

/* A device seen on the bus, so that its removal can still be reported
 * with its ids and model. */
struct usb_present {
	/* Referenced (libusb_ref_device) while in the table, so libusb
	 * cannot free it and give its address to a new device that would
	 * then be taken for this one. */
	libusb_device *device;
	unsigned kinds;
	uint8_t bus;
	uint8_t address;
	uint16_t vendor;
	uint16_t product;
	char model[USB_TEXT_SIZE];
};

struct usb_context {
	libusb_context *libusb;
	pthread_t thread;
	int stop;             /* set by usb_context_close */
	pthread_mutex_t lock; /* guards stop, watchers, present */
	bool hotplug_registered;
	libusb_hotplug_callback_handle hotplug;
	struct usb_watcher watchers[USB_WATCH_KINDS]; /* by kind bit */
	struct usb_present present[USB_PRESENT_MAX];
	int present_count;
	/* A HID stripe reader the settings name, counted as known besides
	 * the table; its vendor is 0 when there is none. */
	struct usb_known_device hid_reader;
};


const char *usb_kind_name(enum usb_kind kind)
{
	switch (kind) {
	case USB_KIND_PRINTER:
		return "printer";
	case USB_KIND_CCID:
		return "card reader";
	case USB_KIND_HID:
		return "card reader (HID)";
	default:
		return "unknown device";
	}
}

const char *usb_library_version(void)
{
	static char text[48];
	const struct libusb_version *version = libusb_get_version();

	snprintf(text, sizeof(text), "%u.%u.%u.%u", version->major,
	         version->minor, version->micro, version->nano);
	return text;
}

/* The kind of an interface by its class, or by the table of known
 * devices for vendor-specific printers. A HID interface counts only when
 * the table lists its id as a stripe reader, because keyboards and mice
 * are HID too. */
static unsigned interface_kind(const struct libusb_interface_descriptor *alt,
			       const struct usb_known_device *known)
{
	switch (alt->bInterfaceClass) {
	case USB_CLASS_PRINTER:
		return USB_KIND_PRINTER;
	case USB_CLASS_CCID:
		return USB_KIND_CCID;
	case USB_CLASS_HID:
		if (known != NULL && known->kind == USB_KIND_HID)
			return USB_KIND_HID;
		return 0;
	case LIBUSB_CLASS_VENDOR_SPEC:
		if (known != NULL)
			return (unsigned)known->kind;
		return 0;
	default:
		return 0;
	}
}

static void fill_endpoints(const struct libusb_interface_descriptor *alt,
			   struct usb_device_info *info)
{
	for (int i = 0; i < alt->bNumEndpoints; i++) {
		const struct libusb_endpoint_descriptor *ep = &alt->endpoint[i];
		int type = ep->bmAttributes & LIBUSB_TRANSFER_TYPE_MASK;
		bool in = (ep->bEndpointAddress & LIBUSB_ENDPOINT_IN) != 0;

		if (type == LIBUSB_TRANSFER_TYPE_BULK && in &&
		    info->ep_bulk_in == 0) {
			info->ep_bulk_in = ep->bEndpointAddress;
			info->max_packet_in = ep->wMaxPacketSize & 0x7ff;
		} else if (type == LIBUSB_TRANSFER_TYPE_BULK && !in &&
		           info->ep_bulk_out == 0) {
			info->ep_bulk_out = ep->bEndpointAddress;
		} else if (type == LIBUSB_TRANSFER_TYPE_INTERRUPT && in &&
		           info->ep_interrupt_in == 0) {
			info->ep_interrupt_in = ep->bEndpointAddress;
		}
	}
}

static void fill_interface(libusb_device *device,
			   const struct libusb_device_descriptor *desc,
			   const struct libusb_interface_descriptor *alt,
			   const struct usb_known_device *known,
			   unsigned kind, struct usb_device_info *info)
{
	size_t extra;

	memset(info, 0, sizeof(*info));
	info->kind = (enum usb_kind)kind;
	info->bus = libusb_get_bus_number(device);
	info->address = libusb_get_device_address(device);
	info->vendor = desc->idVendor;
	info->product = desc->idProduct;
	info->interface = alt->bInterfaceNumber;
	info->alt_setting = alt->bAlternateSetting;
	fill_endpoints(alt, info);

	info->known = known != NULL;
	if (known != NULL)
		snprintf(info->model, sizeof(info->model), "%s", known->model);
	else
		snprintf(info->model, sizeof(info->model), "%04x:%04x",
		         desc->idVendor, desc->idProduct);

	extra = alt->extra_length > 0 ? (size_t)alt->extra_length : 0;
	if (extra > sizeof(info->class_descriptor))
		extra = sizeof(info->class_descriptor);
	if (extra > 0)
		memcpy(info->class_descriptor, alt->extra, extra);
	info->class_descriptor_len = extra;
}

/* Read the product and serial strings. Opening needs the same permission
 * as printing, so a device without it keeps the model it has. */
static void fill_strings(libusb_device *device,
			 const struct libusb_device_descriptor *desc,
			 struct usb_device_info *info)
{
	libusb_device_handle *handle = NULL;
	unsigned char product[USB_TEXT_SIZE] = "";
	unsigned char serial[USB_TEXT_SIZE] = "";
	int rc;

	if (desc->iProduct == 0 && desc->iSerialNumber == 0)
		return;
	rc = libusb_open(device, &handle);
	if (rc != LIBUSB_SUCCESS) {
		log_debug("cannot open %04x:%04x for its strings: %s",
		          info->vendor, info->product, libusb_error_name(rc));
		return;
	}
	if (desc->iProduct != 0 &&
	    libusb_get_string_descriptor_ascii(handle, desc->iProduct, product,
	                                       sizeof(product)) < 0)
		product[0] = '\0';
	if (desc->iSerialNumber != 0 &&
	    libusb_get_string_descriptor_ascii(handle, desc->iSerialNumber,
	                                       serial, sizeof(serial)) < 0)
		serial[0] = '\0';
	libusb_close(handle);

	snprintf(info->serial, sizeof(info->serial), "%s", (char *)serial);
	if (product[0] == '\0')
		return;
	/* Epson's vendor-defined class shares one product id among all TM
	 * models, and the product string is the model, e.g. "TM-T88V". */
	if (info->vendor == EPSON_VENDOR &&
	    info->product == EPSON_VENDOR_CLASS_PRODUCT &&
	    strncmp((char *)product, "TM-", 3) == 0)
		snprintf(info->model, sizeof(info->model), "Epson %s",
		         (char *)product);
	else if (!info->known)
		snprintf(info->model, sizeof(info->model), "%s",
		         (char *)product);
}

/* Fill out with the usable interfaces of device of the given kinds, one
 * per interface number (its first matching alternate setting). Returns
 * the number written, at most max. */
static int classify_device(const struct usb_context *context,
			   libusb_device *device, unsigned kinds, bool strings,
			   struct usb_device_info *out, int max)
{
	struct libusb_device_descriptor desc;
	struct libusb_config_descriptor *config = NULL;
	const struct usb_known_device *known;
	int count = 0;
	int rc;

	if (libusb_get_device_descriptor(device, &desc) != LIBUSB_SUCCESS)
		return 0;
	rc = libusb_get_active_config_descriptor(device, &config);
	if (rc != LIBUSB_SUCCESS)
		rc = libusb_get_config_descriptor(device, 0, &config);
	if (rc != LIBUSB_SUCCESS)
		return 0;

	known = usb_find_known(desc.idVendor, desc.idProduct);
	if (known == NULL && context->hid_reader.vendor == desc.idVendor &&
	    context->hid_reader.product == desc.idProduct)
		known = &context->hid_reader;
	for (int i = 0; i < config->bNumInterfaces && count < max; i++) {
		const struct libusb_interface *iface = &config->interface[i];

		for (int a = 0; a < iface->num_altsetting; a++) {
			const struct libusb_interface_descriptor *alt =
			        &iface->altsetting[a];
			unsigned kind = interface_kind(alt, known);

			if ((kind & kinds) == 0)
				continue;
			fill_interface(device, &desc, alt, known, kind,
				       &out[count]);
			count++;
			break;
		}
	}
	libusb_free_config_descriptor(config);

	if (strings && count > 0) {
		fill_strings(device, &desc, &out[0]);
		for (int i = 1; i < count; i++) {
			memcpy(out[i].model, out[0].model,
			       sizeof(out[i].model));
			memcpy(out[i].serial, out[0].serial,
			       sizeof(out[i].serial));
		}
	}
	return count;
}

static int compare_info(const void *a, const void *b)
{
	const struct usb_device_info *x = a;
	const struct usb_device_info *y = b;
	int kx = (x->bus << 16) | (x->address << 8) | x->interface;
	int ky = (y->bus << 16) | (y->address << 8) | y->interface;

	return (kx > ky) - (kx < ky);
}

int usb_list(struct usb_context *context, unsigned kinds,
	     struct usb_device_info *out, int max)
{
	libusb_device **devices = NULL;
	struct usb_device_info *all = NULL;
	ssize_t n;
	int total = 0;
	int cap = 0;

	if (context == NULL || (max > 0 && out == NULL) || max < 0)
		return USB_EINVAL;
	n = libusb_get_device_list(context->libusb, &devices);
	if (n < 0)
		return usb_from_libusb((int)n);

	/* Collect everything first so that the result is sorted by bus and
	 * address whatever order libusb lists the devices in. */
	cap = (int)n * USB_DEVICE_INTERFACES_MAX;
	all = calloc(cap > 0 ? (size_t)cap : 1, sizeof(*all));
	if (all == NULL) {
		libusb_free_device_list(devices, 1);
		return USB_ENOMEM;
	}
	for (ssize_t i = 0; i < n; i++)
		total += classify_device(context, devices[i], kinds, true,
					 &all[total],
					 USB_DEVICE_INTERFACES_MAX);
	libusb_free_device_list(devices, 1);

	qsort(all, (size_t)total, sizeof(*all), compare_info);
	memcpy(out, all, sizeof(*all) * (size_t)(total < max ? total : max));
	free(all);
	return total;
}

/* Remember a device for removal reports; the caller holds the lock. */
static void present_add(struct usb_context *context, libusb_device *device,
			const struct usb_device_info *infos, int count)
{
	struct usb_present *entry;
	unsigned kinds = 0;

	for (int i = 0; i < context->present_count; i++)
		if (context->present[i].device == device)
			return;
	if (context->present_count == USB_PRESENT_MAX) {
		log_warn(
		        "more than %d USB devices present; removal of %04x:%04x"
		        " will not be reported",
		        USB_PRESENT_MAX, infos[0].vendor, infos[0].product);
		return;
	}
	for (int i = 0; i < count; i++)
		kinds |= (unsigned)infos[i].kind;

	entry = &context->present[context->present_count++];
	entry->device = libusb_ref_device(device);
	entry->kinds = kinds;
	entry->bus = infos[0].bus;
	entry->address = infos[0].address;
	entry->vendor = infos[0].vendor;
	entry->product = infos[0].product;
	memcpy(entry->model, infos[0].model, sizeof(entry->model));
}

/* Take a device out of the table into *out; the caller holds the lock
 * and unreferences out->device. Returns whether it was there. */
static bool present_take(struct usb_context *context, libusb_device *device,
			 struct usb_present *out)
{
	for (int i = 0; i < context->present_count; i++) {
		if (context->present[i].device != device)
			continue;
		*out = context->present[i];
		context->present[i] =
		        context->present[context->present_count - 1];
		context->present_count--;
		return true;
	}
	return false;
}

static int kind_slot(unsigned kind)
{
	switch (kind) {
	case USB_KIND_PRINTER:
		return 0;
	case USB_KIND_CCID:
		return 1;
	case USB_KIND_HID:
		return 2;
	default:
		return -1;
	}
}

static void notify(struct usb_context *context, bool arrived,
		   const struct usb_device_info *info)
{
	struct usb_watcher watcher = {0};
	int slot = kind_slot((unsigned)info->kind);

	if (slot < 0)
		return;
	pthread_mutex_lock(&context->lock);
	watcher = context->watchers[slot];
	pthread_mutex_unlock(&context->lock);
	if (watcher.fn != NULL)
		watcher.fn(watcher.data, arrived, info);
}

static void hotplug_arrived(struct usb_context *context, libusb_device *device)
{
	struct usb_device_info infos[USB_DEVICE_INTERFACES_MAX];
	int count;

	/* Strings need a control transfer, which a hotplug callback must
	 * not make; the model comes from the table or the ids. */
	count = classify_device(context, device,
	                        USB_KIND_PRINTER | USB_KIND_CCID | USB_KIND_HID,
	                        false, infos, USB_DEVICE_INTERFACES_MAX);
	if (count == 0)
		return;

	pthread_mutex_lock(&context->lock);
	present_add(context, device, infos, count);
	pthread_mutex_unlock(&context->lock);

	log_info("USB %04x:%04x %s arrived (bus %u address %u)",
	         infos[0].vendor, infos[0].product, infos[0].model,
	         infos[0].bus, infos[0].address);
	for (int i = 0; i < count; i++)
		notify(context, true, &infos[i]);
}

static void hotplug_left(struct usb_context *context, libusb_device *device)
{
	struct usb_present entry;
	struct usb_device_info info;
	bool found;

	pthread_mutex_lock(&context->lock);
	found = present_take(context, device, &entry);
	pthread_mutex_unlock(&context->lock);
	if (!found)
		return;
	libusb_unref_device(entry.device);

	log_info("USB %04x:%04x %s left (bus %u address %u)", entry.vendor,
	         entry.product, entry.model, entry.bus, entry.address);
	memset(&info, 0, sizeof(info));
	info.bus = entry.bus;
	info.address = entry.address;
	info.vendor = entry.vendor;
	info.product = entry.product;
	memcpy(info.model, entry.model, sizeof(info.model));
	for (unsigned kind = 1; kind <= USB_KIND_HID; kind <<= 1) {
		if ((entry.kinds & kind) == 0)
			continue;
		info.kind = (enum usb_kind)kind;
		notify(context, false, &info);
	}
}

/* Runs on the event thread inside libusb's event handling. */
static int LIBUSB_CALL hotplug_callback(libusb_context *libusb,
					libusb_device *device,
					libusb_hotplug_event event, void *data)
{
	struct usb_context *context = data;

	(void)libusb;
	if (event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED)
		hotplug_arrived(context, device);
	else if (event == LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT)
		hotplug_left(context, device);
	return 0; /* stay registered */
}

static void *event_thread(void *data)
{
	struct usb_context *context = data;

	for (;;) {
		struct timeval wait = {0, USB_EVENT_WAIT_MS * 1000};
		int stop;
		int rc;

		pthread_mutex_lock(&context->lock);
		stop = context->stop;
		pthread_mutex_unlock(&context->lock);
		if (stop)
			break;
		rc = libusb_handle_events_timeout_completed(context->libusb,
		                                            &wait, NULL);
		if (rc != LIBUSB_SUCCESS && rc != LIBUSB_ERROR_INTERRUPTED) {
			log_error("libusb event handling failed: %s",
			          libusb_error_name(rc));
			break;
		}
	}
	return NULL;
}

int usb_context_open(struct usb_context **out)
{
	struct usb_context *context;
	int rc;

	*out = NULL;
	context = calloc(1, sizeof(*context));
	if (context == NULL)
		return USB_ENOMEM;
	rc = libusb_init(&context->libusb);
	if (rc != LIBUSB_SUCCESS) {
		log_error("libusb_init failed: %s", libusb_error_name(rc));
		free(context);
		return usb_from_libusb(rc);
	}
	pthread_mutex_init(&context->lock, NULL);
	if (pthread_create(&context->thread, NULL, event_thread, context) !=
	    0) {
		log_error("cannot start the USB event thread");
		pthread_mutex_destroy(&context->lock);
		libusb_exit(context->libusb);
		free(context);
		return USB_ENOMEM;
	}
	log_info("libusb %s started", usb_library_version());
	*out = context;
	return USB_OK;
}

void usb_context_close(struct usb_context *context)
{
	if (context == NULL)
		return;
	if (context->hotplug_registered)
		libusb_hotplug_deregister_callback(context->libusb,
		                                   context->hotplug);

	pthread_mutex_lock(&context->lock);
	context->stop = 1;
	pthread_mutex_unlock(&context->lock);
	libusb_interrupt_event_handler(context->libusb);
	pthread_join(context->thread, NULL);

	/* The event thread is gone, so the table needs no lock. */
	for (int i = 0; i < context->present_count; i++)
		libusb_unref_device(context->present[i].device);
	context->present_count = 0;
	libusb_exit(context->libusb);
	pthread_mutex_destroy(&context->lock);
	free(context);
}

int usb_add_hid_reader(struct usb_context *context, uint16_t vendor,
		       uint16_t product)
{
	if (vendor == 0)
		return USB_EINVAL;
	context->hid_reader.vendor = vendor;
	context->hid_reader.product = product;
	context->hid_reader.kind = USB_KIND_HID;
	context->hid_reader.model = "HID stripe reader (configured)";
	return USB_OK;
}

/* Remember the devices already present, so that their removal can be
 * reported too. */
static void watch_scan(struct usb_context *context)
{
	libusb_device **devices = NULL;
	ssize_t n = libusb_get_device_list(context->libusb, &devices);

	if (n < 0) {
		log_warn("cannot list USB devices: %s",
		         libusb_error_name((int)n));
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		struct usb_device_info infos[USB_DEVICE_INTERFACES_MAX];
		int count = classify_device(
		        context, devices[i],
		        USB_KIND_PRINTER | USB_KIND_CCID | USB_KIND_HID, false,
		        infos, USB_DEVICE_INTERFACES_MAX);

		if (count == 0)
			continue;
		pthread_mutex_lock(&context->lock);
		present_add(context, devices[i], infos, count);
		pthread_mutex_unlock(&context->lock);
	}
	libusb_free_device_list(devices, 1);
}

int usb_watch(struct usb_context *context, unsigned kinds, usb_hotplug_fn fn,
	      void *data)
{
	int rc;

	if (context == NULL || fn == NULL || kinds == 0)
		return USB_EINVAL;
	if (!libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG))
		return USB_ENOTSUP;

	pthread_mutex_lock(&context->lock);
	for (unsigned kind = 1; kind <= USB_KIND_HID; kind <<= 1) {
		if ((kinds & kind) == 0)
			continue;
		context->watchers[kind_slot(kind)].fn = fn;
		context->watchers[kind_slot(kind)].data = data;
	}
	pthread_mutex_unlock(&context->lock);

	if (context->hotplug_registered)
		return USB_OK;
	rc = libusb_hotplug_register_callback(
	        context->libusb,
	        LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
	                LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
	        0, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
	        LIBUSB_HOTPLUG_MATCH_ANY, hotplug_callback, context,
	        &context->hotplug);
	if (rc != LIBUSB_SUCCESS) {
		log_error("cannot register for USB hotplug: %s",
		          libusb_error_name(rc));
		return usb_from_libusb(rc);
	}
	context->hotplug_registered = true;
	watch_scan(context);
	return USB_OK;
}

/* Find the libusb device at info's bus and address with info's ids. The
 * caller unreferences it. */
static libusb_device *find_device(struct usb_context *context,
				  const struct usb_device_info *info)
{
	libusb_device **devices = NULL;
	libusb_device *found = NULL;
	ssize_t n = libusb_get_device_list(context->libusb, &devices);

	for (ssize_t i = 0; i < n && found == NULL; i++) {
		struct libusb_device_descriptor desc;

		if (libusb_get_bus_number(devices[i]) != info->bus ||
		    libusb_get_device_address(devices[i]) != info->address)
			continue;
		if (libusb_get_device_descriptor(devices[i], &desc) != 0 ||
		    desc.idVendor != info->vendor ||
		    desc.idProduct != info->product)
			continue;
		found = libusb_ref_device(devices[i]);
	}
	if (n >= 0)
		libusb_free_device_list(devices, 1);
	return found;
}

static int open_error(const struct usb_device_info *info, const char *step,
		      int rc)
{
	int error = usb_from_libusb(rc);

	if (error == USB_EACCESS)
		log_error("%s %04x:%04x (bus %u address %u): no permission; "
		          "install drivers/60-spotagent.rules and add the "
		          "user to the spotagent group",
		          step, info->vendor, info->product, info->bus,
		          info->address);
	else
		log_error("%s %04x:%04x (bus %u address %u) failed: %s", step,
		          info->vendor, info->product, info->bus, info->address,
		          libusb_error_name(rc));
	return error;
}

/* Claim info's interface, detaching the kernel driver (usblp for
 * printers) through libusb's auto-detach. */
static int claim(struct usb_handle *handle)
{
	const struct usb_device_info *info = &handle->info;
	int rc;

	rc = libusb_set_auto_detach_kernel_driver(handle->device, 1);
	if (rc != LIBUSB_SUCCESS && rc != LIBUSB_ERROR_NOT_SUPPORTED)
		log_warn("kernel driver auto-detach unavailable: %s",
		         libusb_error_name(rc));
	handle->detached = libusb_kernel_driver_active(handle->device,
	                                               info->interface) == 1;

	rc = libusb_claim_interface(handle->device, info->interface);
	if (rc != LIBUSB_SUCCESS)
		return open_error(info, "claim interface of", rc);
	handle->claimed = true;
	if (handle->detached)
		log_info("kernel driver detached from %04x:%04x interface %u",
		         info->vendor, info->product, info->interface);

	if (info->alt_setting != 0) {
		rc = libusb_set_interface_alt_setting(
		        handle->device, info->interface, info->alt_setting);
		if (rc != LIBUSB_SUCCESS)
			return open_error(info, "select alternate setting of",
			                  rc);
	}
	return USB_OK;
}

int usb_open(struct usb_context *context, const struct usb_device_info *info,
	     struct usb_handle **out)
{
	struct usb_handle *handle;
	libusb_device *device;
	int error;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (context == NULL || info == NULL || out == NULL)
		return USB_EINVAL;
	handle = calloc(1, sizeof(*handle));
	if (handle == NULL)
		return USB_ENOMEM;
	handle->info = *info;

	device = find_device(context, info);
	if (device == NULL) {
		log_warn("USB %04x:%04x (bus %u address %u) is gone",
		         info->vendor, info->product, info->bus, info->address);
		error = USB_ENODEV;
		goto fail;
	}
	rc = libusb_open(device, &handle->device);
	libusb_unref_device(device);
	if (rc != LIBUSB_SUCCESS) {
		handle->device = NULL;
		error = open_error(info, "open", rc);
		goto fail;
	}
	error = claim(handle);
	if (error != USB_OK)
		goto fail;

	log_info("opened USB %04x:%04x %s interface %u", info->vendor,
	         info->product, info->model, info->interface);
	*out = handle;
	return USB_OK;

fail:
	usb_close(handle);
	return error;
}

void usb_close(struct usb_handle *handle)
{
	if (handle == NULL)
		return;
	if (handle->claimed) {
		int rc = libusb_release_interface(handle->device,
		                                  handle->info.interface);

		if (rc != LIBUSB_SUCCESS && rc != LIBUSB_ERROR_NO_DEVICE)
			log_warn("release interface failed: %s",
			         libusb_error_name(rc));
	}
	if (handle->device != NULL)
		libusb_close(handle->device);
	free(handle);
}

bool usb_driver_detached(const struct usb_handle *handle)
{
	return handle != NULL && handle->detached;
}
