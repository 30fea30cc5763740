// SPDX-License-Identifier: GPL-2.0
/*
 * Copies to and from zPCI BAR space: every PCI load, store and store block
 * is sized by the rules of asm/pci_store.h with the maximum store-block
 * length in effect for the function being written, and counted per function.
 */

#define KMSG_COMPONENT "zpci"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/debugfs.h>
#include <linux/export.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <asm/pci.h>
#include <asm/pci_io.h>
#include <asm/pci_store.h>

/*
 * With MIO, BAR addresses do not name their function: copies use the
 * smallest maximum store-block length in effect of all functions seen.
 */
static unsigned int zpci_mio_maxstbl = ZPCI_BOUNDARY_SIZE;

/**
 * zpci_store_note_function() - account for a function's maxstbl in MIO copies
 * @zdev: function whose CLP values are now in effect
 */
void zpci_store_note_function(struct zpci_dev *zdev)
{
	unsigned int old = READ_ONCE(zpci_mio_maxstbl);

	while (zdev->maxstbl < old) {
		unsigned int seen = cmpxchg(&zpci_mio_maxstbl, old, zdev->maxstbl);

		if (seen == old)
			break;
		old = seen;
	}
}

/* The function behind an iomap cookie; NULL for MIO addresses. */
static struct zpci_dev *zpci_iomem_zdev(const volatile void __iomem *addr)
{
	if (static_branch_unlikely(&have_mio))
		return NULL;
	return READ_ONCE(zpci_iomap_start[ZPCI_IDX(addr)].zdev);
}

/**
 * zpci_iomem_maxstbl() - maximum store-block length for a BAR address
 * @addr: iomap cookie or MIO address of BAR space
 *
 * Return: the maxstbl in effect of the function that @addr belongs to; for
 * MIO addresses the smallest of all functions.
 */
unsigned int zpci_iomem_maxstbl(const volatile void __iomem *addr)
{
	struct zpci_dev *zdev = zpci_iomem_zdev(addr);

	return zdev ? READ_ONCE(zdev->maxstbl) : READ_ONCE(zpci_mio_maxstbl);
}
EXPORT_SYMBOL_GPL(zpci_iomem_maxstbl);

static void zpci_count_store(struct zpci_dev *zdev, u64 pci, unsigned long size)
{
	struct zpci_store_stats *st;
	s64 largest;

	if (!zdev)
		return;
	st = &zdev->store_stats;
	atomic64_add(size, &st->bytes_stored);
	atomic64_inc(&st->by_size[order_base_2(size)]);
	if (size <= ZPCI_MAX_READ_SIZE) {
		atomic64_inc(&st->single_stores);
		return;
	}
	atomic64_inc(&st->block_stores);
	if ((pci & ZPCI_BOUNDARY_MASK) + size > ZPCI_BOUNDARY_SIZE)
		atomic64_inc(&st->blocks_crossing);
	largest = atomic64_read(&st->largest_block);
	while (size > largest &&
	       !atomic64_try_cmpxchg(&st->largest_block, &largest, size))
		;
}

/**
 * zpci_memcpy_toio() - copy from memory to zPCI BAR space
 * @dst: iomap cookie or MIO address of the destination
 * @src: source in memory
 * @n: bytes to copy
 *
 * Return: 0 on success, a negative error code from the first failing store.
 */
int zpci_memcpy_toio(volatile void __iomem *dst, const void *src,
		     unsigned long n)
{
	struct zpci_dev *zdev = zpci_iomem_zdev(dst);
	unsigned int maxstbl = zpci_iomem_maxstbl(dst);
	unsigned long size;
	int rc;

	if (!src)
		return -EINVAL;

	while (n > 0) {
		size = zpci_store_len((u64 __force)dst, (u64)src, n, maxstbl);
		if (size > ZPCI_MAX_READ_SIZE)
			rc = zpci_write_block(dst, src, size);
		else
			rc = zpci_write_single(dst, src, size);
		if (rc)
			return rc;
		zpci_count_store(zdev, (u64 __force)dst, size);
		src += size;
		dst += size;
		n -= size;
	}
	return 0;
}
EXPORT_SYMBOL(zpci_memcpy_toio);

/**
 * zpci_memcpy_fromio() - copy from zPCI BAR space to memory
 * @dst: destination in memory
 * @src: iomap cookie or MIO address of the source
 * @n: bytes to copy
 *
 * Return: 0 on success, a negative error code from the first failing load.
 */
int zpci_memcpy_fromio(void *dst, const volatile void __iomem *src,
		       unsigned long n)
{
	struct zpci_dev *zdev = zpci_iomem_zdev(src);
	unsigned long size;
	int rc;

	while (n > 0) {
		size = zpci_load_len((u64 __force)src, n);
		rc = zpci_read_single(dst, src, size);
		if (rc)
			return rc;
		if (zdev) {
			atomic64_inc(&zdev->store_stats.loads);
			atomic64_add(size, &zdev->store_stats.bytes_loaded);
		}
		src += size;
		dst += size;
		n -= size;
	}
	return 0;
}
EXPORT_SYMBOL(zpci_memcpy_fromio);

static int zpci_store_stats_show(struct seq_file *m, void *v)
{
	struct zpci_dev *zdev = m->private;
	struct zpci_store_stats *st = &zdev->store_stats;
	int i;

	seq_printf(m, "maxstbl %u\n", READ_ONCE(zdev->maxstbl));
	seq_printf(m, "loads %lld\n", atomic64_read(&st->loads));
	seq_printf(m, "bytes_loaded %lld\n", atomic64_read(&st->bytes_loaded));
	seq_printf(m, "single_stores %lld\n", atomic64_read(&st->single_stores));
	seq_printf(m, "block_stores %lld\n", atomic64_read(&st->block_stores));
	seq_printf(m, "bytes_stored %lld\n", atomic64_read(&st->bytes_stored));
	seq_printf(m, "largest_block %lld\n", atomic64_read(&st->largest_block));
	seq_printf(m, "blocks_crossing_4k %lld\n",
		   atomic64_read(&st->blocks_crossing));
	for (i = 0; i < ZPCI_STORE_CLASSES; i++)
		seq_printf(m, "stores_upto_%lu %lld\n", 1UL << i,
			   atomic64_read(&st->by_size[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(zpci_store_stats);

/**
 * zpci_store_debugfs_init_device() - create the per-function "stores" file
 * @zdev: the function
 * @dir: its debugfs directory
 */
void zpci_store_debugfs_init_device(struct zpci_dev *zdev, struct dentry *dir)
{
	debugfs_create_file("stores", 0444, dir, zdev, &zpci_store_stats_fops);
}
