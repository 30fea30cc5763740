// SPDX-License-Identifier: GPL-2.0
/*
 * Testing only: debugfs pci/bar_copy runs zpci_memcpy_toio() and
 * zpci_memcpy_fromio() on a BAR of a function that no driver is bound to,
 * so that a test can check the kernel's store splitting end to end.
 *
 *   write "to FID BAR OFFSET MEMOFF HEXDATA"  copy the bytes to BAR+OFFSET
 *   write "from FID BAR OFFSET MEMOFF LEN"    copy LEN bytes from BAR+OFFSET
 *   read   "rc=R maxstbl=M" and what the copy issued (counter deltas):
 *          " single_stores=N block_stores=N bytes_stored=N largest_block=N
 *          blocks_crossing_4k=N loads=N", after "from" also " data=HEXDATA"
 * FID and OFFSET are hexadecimal; MEMOFF (0..7) misaligns the memory side.
 */

#define KMSG_COMPONENT "zpci"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/hex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/pci.h>
#include <asm/pci_debug.h>
#include <asm/pci_io.h>
#include <asm/pci_store.h>

#include "pci_bus.h"

#define BAR_COPY_MAX	ZPCI_BOUNDARY_SIZE
/* MEMOFF 0..7: every misalignment of the memory side of a store block */
#define BAR_COPY_MEMOFF	ZPCI_MAX_READ_SIZE
/* "to" + FID + BAR + OFFSET + MEMOFF + hex data */
#define BAR_COPY_CMD_MAX	(64 + 2 * BAR_COPY_MAX)
/* read(): "rc=R ... loads=N" (238 bytes at most), " data=", hex data, '\n' */
#define BAR_COPY_RESULT_MAX(len)	(256 + 2 * (len))

struct bar_copy {
	char *result;		/* what read() returns */
	size_t result_len;
};

static int bar_copy_open(struct inode *inode, struct file *file)
{
	struct bar_copy *bc = kzalloc(sizeof(*bc), GFP_KERNEL);

	if (!bc)
		return -ENOMEM;
	file->private_data = bc;
	return 0;
}

static int bar_copy_release(struct inode *inode, struct file *file)
{
	struct bar_copy *bc = file->private_data;

	kfree(bc->result);
	kfree(bc);
	return 0;
}

/* Copy between @buf + @memoff and BAR @bar at @offset of an unbound function. */
static int bar_copy_do(struct zpci_dev *zdev, bool to, int bar, u64 offset,
		       u8 *buf, unsigned int memoff, size_t len)
{
	struct pci_dev *pdev;
	void __iomem *io;
	u64 size;
	int rc;

	pdev = pci_get_slot(zdev->zbus->bus, zdev->devfn);
	if (!pdev)
		return -ENODEV;
	device_lock(&pdev->dev);
	rc = -EBUSY;
	if (pdev->dev.driver)
		goto out;
	rc = -EINVAL;
	size = pci_resource_len(pdev, bar);
	if (!(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) ||
	    offset >= size || len > size - offset)
		goto out;
	rc = -ENOMEM;
	io = pci_iomap(pdev, bar, 0);
	if (!io)
		goto out;
	if (to)
		rc = zpci_memcpy_toio(io + offset, buf + memoff, len);
	else
		rc = zpci_memcpy_fromio(buf + memoff, io + offset, len);
	pci_iounmap(pdev, io);
	zpci_dbg(3, "bar_copy fid:%x %s bar:%d off:%llx len:%zu rc:%d\n",
		 zdev->fid, to ? "to" : "from", bar, offset, len, rc);
out:
	device_unlock(&pdev->dev);
	pci_dev_put(pdev);
	return rc;
}

static s64 delta(atomic64_t *after, s64 before)
{
	return atomic64_read(after) - before;
}

/* What read() returns: rc, maxstbl, what the copy issued, the data read. */
static int bar_copy_result(struct bar_copy *bc, struct zpci_dev *zdev, int rc,
			   const struct zpci_store_stats *before,
			   const u8 *data, size_t len)
{
	struct zpci_store_stats *st = &zdev->store_stats;
	char *res = kmalloc(BAR_COPY_RESULT_MAX(len), GFP_KERNEL);
	int n;

	if (!res)
		return -ENOMEM;
	n = sprintf(res,
		    "rc=%d maxstbl=%u single_stores=%lld block_stores=%lld bytes_stored=%lld largest_block=%lld blocks_crossing_4k=%lld loads=%lld",
		    rc, zdev->maxstbl,
		    delta(&st->single_stores, atomic64_read(&before->single_stores)),
		    delta(&st->block_stores, atomic64_read(&before->block_stores)),
		    delta(&st->bytes_stored, atomic64_read(&before->bytes_stored)),
		    atomic64_read(&st->largest_block),
		    delta(&st->blocks_crossing, atomic64_read(&before->blocks_crossing)),
		    delta(&st->loads, atomic64_read(&before->loads)));
	if (data) {
		n += sprintf(res + n, " data=");
		bin2hex(res + n, data, len);
		n += 2 * len;
	}
	res[n++] = '\n';
	kfree(bc->result);
	bc->result = res;
	bc->result_len = n;
	return 0;
}

static ssize_t bar_copy_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct bar_copy *bc = file->private_data;
	struct zpci_store_stats before;
	struct zpci_dev *zdev = NULL;
	unsigned int memoff, fid;
	char dir[5], *cmd;
	u8 *buf = NULL;
	int bar, rc, pos;
	size_t len;
	u64 offset;
	bool to;

	if (count > BAR_COPY_CMD_MAX)
		return -E2BIG;
	cmd = memdup_user_nul(ubuf, count);
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);
	strim(cmd);
	rc = -EINVAL;
	if (sscanf(cmd, "%4s %x %d %llx %u %n", dir, &fid, &bar, &offset,
		   &memoff, &pos) != 5 ||
	    bar < 0 || bar >= PCI_STD_NUM_BARS || memoff >= BAR_COPY_MEMOFF)
		goto out;
	to = !strcmp(dir, "to");
	if (!to && strcmp(dir, "from"))
		goto out;
	rc = -ENOMEM;
	buf = kzalloc(BAR_COPY_MAX + BAR_COPY_MEMOFF, GFP_KERNEL);
	if (!buf)
		goto out;
	rc = -EINVAL;
	if (to) {
		len = strlen(cmd + pos) / 2;
		if (!len || len > BAR_COPY_MAX || strlen(cmd + pos) % 2 ||
		    hex2bin(buf + memoff, cmd + pos, len))
			goto out;
	} else if (kstrtoul(cmd + pos, 0, &len) || !len || len > BAR_COPY_MAX) {
		goto out;
	}
	rc = -ENODEV;
	zdev = get_zdev_by_fid(fid);
	if (!zdev)
		goto out;
	memcpy(&before, &zdev->store_stats, sizeof(before));
	rc = bar_copy_do(zdev, to, bar, offset, buf, memoff, len);
	rc = bar_copy_result(bc, zdev, rc, &before,
			     !to && !rc ? buf + memoff : NULL, len);
out:
	if (zdev)
		zpci_zdev_put(zdev);
	kfree(buf);
	kfree(cmd);
	if (rc)
		return rc;
	*ppos = 0;	/* the next read returns the new result from its start */
	return count;
}

static ssize_t bar_copy_read(struct file *file, char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct bar_copy *bc = file->private_data;

	if (!bc->result)
		return 0;
	return simple_read_from_buffer(ubuf, count, ppos, bc->result,
				       bc->result_len);
}

static const struct file_operations bar_copy_fops = {
	.owner = THIS_MODULE,
	.open = bar_copy_open,
	.release = bar_copy_release,
	.read = bar_copy_read,
	.write = bar_copy_write,
	.llseek = default_llseek,
};

/**
 * zpci_bar_copy_debugfs_init() - create the "bar_copy" test file
 * @root: the zPCI debugfs directory
 */
void zpci_bar_copy_debugfs_init(struct dentry *root)
{
	debugfs_create_file("bar_copy", 0600, root, NULL, &bar_copy_fops);
}
