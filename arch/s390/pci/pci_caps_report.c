// SPDX-License-Identifier: GPL-2.0
/*
 * zPCI capability layer: report the values in effect.
 *
 * sysfs:   /sys/bus/pci/devices/<bdf>/clp/<name>   value in effect
 * debugfs: /sys/kernel/debug/pci/<bdf>/clp         every field with source
 *          /sys/kernel/debug/pci/clp_groups        group-cache counters
 *
 * Copyright IBM Corp. 2026
 */

#define KMSG_COMPONENT "zpci"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/kernel.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/sysfs.h>
#include <asm/pci.h>
#include <asm/pci_caps.h>

#define zpci_caps_attr(_name, _field, _fmt)				\
static ssize_t _name##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, _fmt "\n",				\
			  zpci_caps_in_effect(to_zpci(to_pci_dev(dev)),	\
					      _field));			\
}									\
static DEVICE_ATTR_RO(_name)

zpci_caps_attr(dma_start, ZPCI_CAPS_SDMA, "0x%llx");
zpci_caps_attr(dma_end, ZPCI_CAPS_EDMA, "0x%llx");
zpci_caps_attr(dma_mask, ZPCI_CAPS_DASM, "0x%llx");
zpci_caps_attr(dtsm, ZPCI_CAPS_DTSM, "0x%llx");
zpci_caps_attr(frame, ZPCI_CAPS_FRAME, "%llu");
zpci_caps_attr(refresh, ZPCI_CAPS_REFRESH, "%llu");
zpci_caps_attr(noi, ZPCI_CAPS_NOI, "%llu");
zpci_caps_attr(dnoi, ZPCI_CAPS_DNOI, "%llu");
zpci_caps_attr(msi_addr, ZPCI_CAPS_MSIA, "0x%llx");
zpci_caps_attr(maxstbl, ZPCI_CAPS_MAXSTBL, "%llu");
zpci_caps_attr(mui, ZPCI_CAPS_MUI, "%llu");
zpci_caps_attr(version, ZPCI_CAPS_VERSION, "%llu");
zpci_caps_attr(fmb_len, ZPCI_CAPS_FMB_LEN, "%llu");

/**
 * msi_allowed_show() - sysfs: 1 if MSI can be used
 * @dev: device
 * @attr: attribute
 * @buf: output buffer
 *
 * Return: number of bytes written.
 */
static ssize_t msi_allowed_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", to_zpci(to_pci_dev(dev))->max_msi != 0);
}
static DEVICE_ATTR_RO(msi_allowed);

/**
 * fallbacks_show() - sysfs: names of the fields that fell back
 * @dev: device
 * @attr: attribute
 * @buf: output buffer
 *
 * Return: number of bytes written.
 */
static ssize_t fallbacks_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	const struct zpci_caps_report *report = &to_zpci(to_pci_dev(dev))->caps_report;
	int i, len = 0;

	for (i = 0; i < ZPCI_CAPS_NR_FIELDS; i++) {
		if (report->source[i] != ZPCI_CAPS_SRC_FALLBACK)
			continue;
		len += sysfs_emit_at(buf, len, "%s%s", len ? " " : "",
				     zpci_caps_field_name(i));
	}
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}
static DEVICE_ATTR_RO(fallbacks);

static struct attribute *zpci_clp_attrs[] = {
	&dev_attr_dma_start.attr,
	&dev_attr_dma_end.attr,
	&dev_attr_dma_mask.attr,
	&dev_attr_dtsm.attr,
	&dev_attr_frame.attr,
	&dev_attr_refresh.attr,
	&dev_attr_noi.attr,
	&dev_attr_dnoi.attr,
	&dev_attr_msi_addr.attr,
	&dev_attr_maxstbl.attr,
	&dev_attr_mui.attr,
	&dev_attr_version.attr,
	&dev_attr_fmb_len.attr,
	&dev_attr_msi_allowed.attr,
	&dev_attr_fallbacks.attr,
	NULL,
};

const struct attribute_group zpci_clp_attr_group = {
	.name = "clp",
	.attrs = zpci_clp_attrs,
};

/**
 * zpci_caps_show_value() - print one value of a field in its base
 * @m: seq_file
 * @field: the field
 * @value: the value
 */
static void zpci_caps_show_value(struct seq_file *m, int field, u64 value)
{
	if (zpci_caps_field_is_hex(field))
		seq_printf(m, " 0x%llx", value);
	else
		seq_printf(m, " %llu", value);
}

/**
 * zpci_caps_fn_show() - show the per-function "clp" debugfs file
 * @m: seq_file, private data is the zdev
 * @v: unused
 *
 * Return: 0.
 */
static int zpci_caps_fn_show(struct seq_file *m, void *v)
{
	struct zpci_dev *zdev = m->private;
	const struct zpci_caps_report *report = &zdev->caps_report;
	int i;

	for (i = 0; i < ZPCI_CAPS_NR_FIELDS; i++) {
		seq_puts(m, zpci_caps_field_name(i));
		zpci_caps_show_value(m, i, report->reported[i]);
		zpci_caps_show_value(m, i, zpci_caps_in_effect(zdev, i));
		seq_printf(m, " %s\n", zpci_caps_source_name(report->source[i]));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(zpci_caps_fn);

/**
 * zpci_caps_groups_show() - show the global "clp_groups" debugfs file
 * @m: seq_file
 * @v: unused
 *
 * Return: 0.
 */
static int zpci_caps_groups_show(struct seq_file *m, void *v)
{
	unsigned int cached;
	u64 issued, saved, failed;

	zpci_caps_group_stats(&issued, &saved, &failed, &cached);
	seq_printf(m, "queries_issued %llu\n", issued);
	seq_printf(m, "queries_saved %llu\n", saved);
	seq_printf(m, "queries_failed %llu\n", failed);
	seq_printf(m, "groups_cached %u\n", cached);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(zpci_caps_groups);

/**
 * zpci_caps_debugfs_init_device() - create the per-function "clp" file
 * @zdev: the function
 * @dir: its debugfs directory, /sys/kernel/debug/pci/<bdf>
 *
 * The file is removed with @dir.
 */
void zpci_caps_debugfs_init_device(struct zpci_dev *zdev, struct dentry *dir)
{
	debugfs_create_file("clp", 0444, dir, zdev, &zpci_caps_fn_fops);
}

/**
 * zpci_caps_debugfs_init() - create the global "clp_groups" file (and
 * "clp_override" with CONFIG_ZPCI_CLP_OVERRIDE)
 * @root: the zPCI debugfs directory, /sys/kernel/debug/pci
 *
 * The file is removed with @root.
 */
void zpci_caps_debugfs_init(struct dentry *root)
{
	debugfs_create_file("clp_groups", 0444, root, NULL,
			    &zpci_caps_groups_fops);
	zpci_clp_override_debugfs_init(root);
}
