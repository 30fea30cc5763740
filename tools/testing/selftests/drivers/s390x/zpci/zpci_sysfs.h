/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the zPCI guest tests: find zPCI functions in sysfs and
 * read their attributes.
 */
#ifndef ZPCI_SYSFS_H
#define ZPCI_SYSFS_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZPCI_PCI_DEVICES "/sys/bus/pci/devices"

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

#endif /* ZPCI_SYSFS_H */
