// SPDX-License-Identifier: GPL-2.0
/*
 * Bench only, never part of the series: tools/testing/zpci/bench applies
 * this to the stock and to the zpci-clp tree alike, so that both kernels
 * count the zPCI instructions they issue in the same places - each one is
 * an interception under KVM (QEMU 7.2 has no trace events for them).
 *
 *   /sys/kernel/debug/zpci_bench/counters
 *	"name value" per counter, totals since boot
 *   /sys/kernel/debug/zpci_bench/bar_write
 *	write "FID BAR OFFSET LEN REPS" (FID, OFFSET hexadecimal): copy LEN
 *	bytes from a page-aligned buffer to BAR+OFFSET of function FID, which
 *	no driver may be bound to, REPS times with zpci_memcpy_toio();
 *	read "rc=R reps=N len=L offset=O maxstbl=M ns=T pcistg=N pcistb=N
 *	pcilg=N": the first error, the copies done, the function's maxstbl,
 *	the time they took and the instructions they issued
 */

#define KMSG_COMPONENT "zpci"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <asm/pci.h>
#include <asm/pci_bench.h>
#include <asm/pci_clp.h>
#include <asm/pci_io.h>

#define BAR_WRITE_MAX	SZ_64K

atomic64_t zpci_bench_counters[ZPCI_BENCH_NR];

static const char * const zpci_bench_names[ZPCI_BENCH_NR] = {
	[ZPCI_BENCH_CLP]		= "clp",
	[ZPCI_BENCH_CLP_LIST]		= "clp_list",
	[ZPCI_BENCH_CLP_QUERY_FN]	= "clp_query_fn",
	[ZPCI_BENCH_CLP_QUERY_GRP]	= "clp_query_grp",
	[ZPCI_BENCH_CLP_SET_FN]		= "clp_set_fn",
	[ZPCI_BENCH_CLP_SLPC]		= "clp_slpc",
	[ZPCI_BENCH_CLP_OTHER]		= "clp_other",
	[ZPCI_BENCH_CLP_ILP]		= "clp_ilp",
	[ZPCI_BENCH_MPCIFC]		= "mpcifc",
	[ZPCI_BENCH_RPCIT]		= "rpcit",
	[ZPCI_BENCH_SIC]		= "sic",
	[ZPCI_BENCH_PCILG]		= "pcilg",
	[ZPCI_BENCH_PCISTG]		= "pcistg",
	[ZPCI_BENCH_PCISTB]		= "pcistb",
	[ZPCI_BENCH_DMA_PAIRS]		= "dma_map_pairs",
	[ZPCI_BENCH_IOVA_FAILS]		= "iova_fails",
	[ZPCI_BENCH_IOVA_FAIL_RPCIT]	= "iova_fail_rpcit",
};

/**
 * zpci_bench_count_clp() - count one CLP request
 * @cmd: the command of its request header
 */
void zpci_bench_count_clp(u16 cmd)
{
	zpci_bench_count(ZPCI_BENCH_CLP);
	switch (cmd) {
	case CLP_LIST_PCI:
		zpci_bench_count(ZPCI_BENCH_CLP_LIST);
		break;
	case CLP_QUERY_PCI_FN:
		zpci_bench_count(ZPCI_BENCH_CLP_QUERY_FN);
		break;
	case CLP_QUERY_PCI_FNGRP:
		zpci_bench_count(ZPCI_BENCH_CLP_QUERY_GRP);
		break;
	case CLP_SET_PCI_FN:
		zpci_bench_count(ZPCI_BENCH_CLP_SET_FN);
		break;
	case CLP_SLPC:
		zpci_bench_count(ZPCI_BENCH_CLP_SLPC);
		break;
	default:
		zpci_bench_count(ZPCI_BENCH_CLP_OTHER);
		break;
	}
}

static int zpci_bench_counters_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < ZPCI_BENCH_NR; i++)
		seq_printf(m, "%s %lld\n", zpci_bench_names[i],
			   atomic64_read(&zpci_bench_counters[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(zpci_bench_counters);

static DEFINE_MUTEX(bar_write_lock);
static char bar_write_result[192];

static struct pci_dev *bench_find_function(u32 fid)
{
	struct pci_dev *pdev = NULL;

	for_each_pci_dev(pdev) {
		if (to_zpci(pdev) && to_zpci(pdev)->fid == fid)
			return pdev;	/* holds a reference */
	}
	return NULL;
}

static s64 bench_delta(enum zpci_bench_counter c, s64 before)
{
	return atomic64_read(&zpci_bench_counters[c]) - before;
}

static int bar_write_do(struct pci_dev *pdev, int bar, u64 offset,
			unsigned int len, unsigned int reps)
{
	struct zpci_dev *zdev = to_zpci(pdev);
	s64 stg, stb, lg;
	unsigned int done = 0;
	void __iomem *io;
	ktime_t start;
	void *buf;
	int rc;

	buf = alloc_pages_exact(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memset(buf, 0x5a, len);
	device_lock(&pdev->dev);
	rc = -EBUSY;
	if (pdev->dev.driver)
		goto out;
	rc = -EINVAL;
	if (!(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) ||
	    offset + len > pci_resource_len(pdev, bar))
		goto out;
	rc = -ENOMEM;
	io = pci_iomap(pdev, bar, 0);
	if (!io)
		goto out;
	stg = atomic64_read(&zpci_bench_counters[ZPCI_BENCH_PCISTG]);
	stb = atomic64_read(&zpci_bench_counters[ZPCI_BENCH_PCISTB]);
	lg = atomic64_read(&zpci_bench_counters[ZPCI_BENCH_PCILG]);
	start = ktime_get();
	rc = 0;
	while (done < reps && !rc) {
		rc = zpci_memcpy_toio(io + offset, buf, len);
		if (!rc)
			done++;
	}
	snprintf(bar_write_result, sizeof(bar_write_result),
		 "rc=%d reps=%u len=%u offset=0x%llx maxstbl=%u ns=%lld pcistg=%lld pcistb=%lld pcilg=%lld\n",
		 rc, done, len, offset, zdev->maxstbl,
		 ktime_to_ns(ktime_sub(ktime_get(), start)),
		 bench_delta(ZPCI_BENCH_PCISTG, stg),
		 bench_delta(ZPCI_BENCH_PCISTB, stb),
		 bench_delta(ZPCI_BENCH_PCILG, lg));
	pci_iounmap(pdev, io);
	rc = 0;
out:
	device_unlock(&pdev->dev);
	free_pages_exact(buf, len);
	return rc;
}

static ssize_t bar_write_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	unsigned int fid, bar, len, reps;
	struct pci_dev *pdev;
	char cmd[80];
	u64 offset;
	int rc;

	if (!count || count >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	if (sscanf(cmd, "%x %u %llx %u %u", &fid, &bar, &offset, &len,
		   &reps) != 5 || bar >= PCI_STD_NUM_BARS || !len ||
	    len > BAR_WRITE_MAX || !reps)
		return -EINVAL;
	pdev = bench_find_function(fid);
	if (!pdev)
		return -ENODEV;
	mutex_lock(&bar_write_lock);
	rc = bar_write_do(pdev, bar, offset, len, reps);
	mutex_unlock(&bar_write_lock);
	pci_dev_put(pdev);
	return rc ? rc : count;
}

static ssize_t bar_write_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	ssize_t n;

	mutex_lock(&bar_write_lock);
	n = simple_read_from_buffer(ubuf, count, ppos, bar_write_result,
				    strlen(bar_write_result));
	mutex_unlock(&bar_write_lock);
	return n;
}

static const struct file_operations bar_write_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = bar_write_read,
	.write = bar_write_write,
	.llseek = default_llseek,
};

static int __init zpci_bench_init(void)
{
	struct dentry *dir = debugfs_create_dir("zpci_bench", NULL);

	debugfs_create_file("counters", 0444, dir, NULL,
			    &zpci_bench_counters_fops);
	debugfs_create_file("bar_write", 0600, dir, NULL, &bar_write_fops);
	return 0;
}
late_initcall(zpci_bench_init);
