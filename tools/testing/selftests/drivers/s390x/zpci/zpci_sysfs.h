/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the zPCI guest tests: find zPCI functions in sysfs,
 * read their attributes, bind them to a driver.
 */
#ifndef ZPCI_SYSFS_H
#define ZPCI_SYSFS_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ZPCI_PCI_DEVICES "/sys/bus/pci/devices"
/* PCI vendor id of virtio-pci functions (QEMU's Red Hat id) */
#define ZPCI_VIRTIO_VENDOR 0x1af4

/**
 * zpci_read_attr() - read one line of a sysfs attribute of a PCI device
 * @bdf: device name below /sys/bus/pci/devices
 * @attr: attribute path relative to the device directory
 * @buf: buffer for the value, newline stripped
 * @len: size of @buf
 *
 * Return: 0 on success, -errno on failure.
 */
static inline int zpci_read_attr(const char *bdf, const char *attr,
				 char *buf, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), ZPCI_PCI_DEVICES "/%s/%s", bdf, attr);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (!fgets(buf, len, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/**
 * zpci_read_ulong() - read a numeric sysfs attribute of a PCI device
 * @bdf: device name below /sys/bus/pci/devices
 * @attr: attribute path relative to the device directory
 * @val: the value, parsed with base 0 (decimal or 0x-prefixed hex)
 *
 * Return: 0 on success, -errno on failure.
 */
static inline int zpci_read_ulong(const char *bdf, const char *attr,
				  unsigned long long *val)
{
	char buf[128], *end;
	int rc;

	rc = zpci_read_attr(bdf, attr, buf, sizeof(buf));
	if (rc)
		return rc;
	errno = 0;
	*val = strtoull(buf, &end, 0);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

/**
 * zpci_find_by_fid() - find the PCI device of a zPCI function id
 * @fid: function id
 * @bdf: buffer for the device name
 * @len: size of @bdf
 *
 * Return: 0 when found, -ENOENT when no device has @fid.
 */
static inline int zpci_find_by_fid(unsigned long long fid, char *bdf,
				   size_t len)
{
	unsigned long long val;
	struct dirent *de;
	int rc = -ENOENT;
	DIR *d;

	d = opendir(ZPCI_PCI_DEVICES);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (zpci_read_ulong(de->d_name, "function_id", &val) || val != fid)
			continue;
		snprintf(bdf, len, "%s", de->d_name);
		rc = 0;
		break;
	}
	closedir(d);
	return rc;
}

/**
 * zpci_write_str() - write a string to a sysfs file
 * @path: file
 * @val: string, written in one write()
 *
 * Return: 0 on success, -errno on failure.
 */
static inline int zpci_write_str(const char *path, const char *val)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -errno;
}

/**
 * zpci_bound_driver() - name of the driver a PCI device is bound to
 * @bdf: device name below /sys/bus/pci/devices
 * @drv: buffer for the driver name, "" when the device is unbound
 * @len: size of @drv
 */
static inline void zpci_bound_driver(const char *bdf, char *drv, size_t len)
{
	char path[512], link[512];
	const char *name;
	ssize_t n;

	snprintf(path, sizeof(path), ZPCI_PCI_DEVICES "/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	drv[0] = '\0';
	if (n <= 0)
		return;
	link[n] = '\0';
	name = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
	n = strnlen(name, len - 1);
	memcpy(drv, name, n);
	drv[n] = '\0';
}

/**
 * zpci_find_free() - find a zPCI function that no driver claims
 * @vendor: PCI vendor id the function must have, 0 for any
 * @bdf: buffer for the device name
 * @len: size of @bdf
 *
 * A function without a driver is one nothing on the machine uses: a test
 * may take it when it is not named one, and leaves it without a driver.
 * The first such function in name order is taken.
 *
 * Return: 0 when found, -ENOENT when every function has a driver.
 */
static inline int zpci_find_free(unsigned long long vendor, char *bdf,
				 size_t len)
{
	unsigned long long fid, ven;
	struct dirent **de;
	char drv[64];
	int i, n, rc = -ENOENT;

	n = scandir(ZPCI_PCI_DEVICES, &de, NULL, alphasort);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		const char *name = de[i]->d_name;

		if (rc && name[0] != '.' &&
		    !zpci_read_ulong(name, "function_id", &fid) &&
		    !zpci_read_ulong(name, "vendor", &ven) &&
		    (!vendor || ven == vendor)) {
			zpci_bound_driver(name, drv, sizeof(drv));
			if (!drv[0]) {
				snprintf(bdf, len, "%s", name);
				rc = 0;
			}
		}
		free(de[i]);
	}
	free(de);
	return rc;
}

/**
 * zpci_bind_override() - bind a PCI device to a driver by driver_override
 * @bdf: device name below /sys/bus/pci/devices
 * @driver: the driver to bind
 *
 * Unbinds the device from its driver (when it has another one), sets its
 * driver_override and has the bus probe it.  On failure the override is
 * cleared and the device probed again, back to its own driver if it had one.
 *
 * Return: 0 when @driver is bound afterwards, -errno otherwise.
 */
static inline int zpci_bind_override(const char *bdf, const char *driver)
{
	char path[512], drv[64];
	int rc;

	zpci_bound_driver(bdf, drv, sizeof(drv));
	if (drv[0] && !strcmp(drv, driver))
		return 0;
	if (drv[0]) {
		snprintf(path, sizeof(path), ZPCI_PCI_DEVICES "/%s/driver/unbind", bdf);
		rc = zpci_write_str(path, bdf);
		if (rc)
			return rc;
	}
	snprintf(path, sizeof(path), ZPCI_PCI_DEVICES "/%s/driver_override", bdf);
	rc = zpci_write_str(path, driver);
	if (!rc)
		rc = zpci_write_str("/sys/bus/pci/drivers_probe", bdf);
	if (!rc) {
		zpci_bound_driver(bdf, path, sizeof(path));
		rc = strcmp(path, driver) ? -ENODEV : 0;
	}
	if (rc) {
		snprintf(path, sizeof(path), ZPCI_PCI_DEVICES "/%s/driver_override", bdf);
		zpci_write_str(path, "\n");
		if (drv[0])
			zpci_write_str("/sys/bus/pci/drivers_probe", bdf);
	}
	return rc;
}

/**
 * zpci_unbind_override() - give a PCI device back to its own driver
 * @bdf: device name below /sys/bus/pci/devices
 *
 * @probe: have the bus probe the device afterwards (false: leave it
 *	   without a driver, as a test found a free function)
 *
 * Clears driver_override, unbinds the device and has the bus probe it.
 */
static inline void zpci_unbind_override(const char *bdf, bool probe)
{
	char path[512];

	snprintf(path, sizeof(path), ZPCI_PCI_DEVICES "/%s/driver_override", bdf);
	zpci_write_str(path, "\n");
	snprintf(path, sizeof(path), ZPCI_PCI_DEVICES "/%s/driver/unbind", bdf);
	zpci_write_str(path, bdf);
	if (probe)
		zpci_write_str("/sys/bus/pci/drivers_probe", bdf);
}

#endif /* ZPCI_SYSFS_H */
