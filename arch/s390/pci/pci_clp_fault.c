// SPDX-License-Identifier: GPL-2.0
/*
 * zPCI CLP fault injection (CONFIG_ZPCI_CLP_OVERRIDE, testing only).
 *
 * Arms one CLP request, counted from the arming, to fail the way a broken
 * or hostile hypervisor makes it fail:
 *
 *   cc3    the request is not issued; condition code 3
 *   rsp    the request is not issued; the response says "command not
 *          recognized"
 *   short  the request is issued; its response length is then cut to the
 *          response header, as if no field had been reported
 *
 * Armed with zpci_clp_fault=N:MODE on the kernel command line (counting
 * from the first request of the boot) or by writing "N MODE" to
 * /sys/kernel/debug/pci/clp_fault (counting from the write); writing
 * "off" disarms.  Reading the file tells what is armed and what fired.
 * See Documentation/arch/s390/zpci-clp.rst.
 *
 * Copyright IBM Corp. 2026
 */

#define KMSG_COMPONENT "zpci"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/pci_clp.h>

#include "pci_clp_fault.h"

enum clp_fault_mode {
	CLP_FAULT_CC3,
	CLP_FAULT_RSP,
	CLP_FAULT_SHORT,
};

static const char * const clp_fault_names[] = {
	[CLP_FAULT_CC3]		= "cc3",
	[CLP_FAULT_RSP]		= "rsp",
	[CLP_FAULT_SHORT]	= "short",
};

/* Requests left until the armed one (0: disarmed) */
static atomic_t clp_fault_countdown = ATOMIC_INIT(0);
static enum clp_fault_mode clp_fault_mode;
/* The request whose response is to be cut after it was issued */
static void *clp_fault_short_rrb;
/* What fired last, and how often faults fired */
static u16 clp_fault_last_cmd;
static enum clp_fault_mode clp_fault_last_mode;
static atomic_t clp_fault_fired = ATOMIC_INIT(0);
static char *clp_fault_param __initdata;

/**
 * clp_fault_rsp() - the response header of a CLP request block
 * @rrb: request block, request first
 *
 * Return: the response header, which follows the request.
 */
static struct clp_rsp_hdr *clp_fault_rsp(void *rrb)
{
	struct clp_req_hdr *req = rrb;

	return rrb + req->len;
}

/**
 * zpci_clp_fault_before() - fail an armed CLP request instead of issuing it
 * @rrb: the request block about to be issued
 *
 * Return: -1 to issue the request, or the condition code to return
 * without issuing it.
 */
int zpci_clp_fault_before(void *rrb)
{
	struct clp_req_hdr *req = rrb;

	if (atomic_dec_if_positive(&clp_fault_countdown) != 0)
		return -1;

	clp_fault_last_cmd = req->cmd;
	clp_fault_last_mode = clp_fault_mode;
	atomic_inc(&clp_fault_fired);
	pr_info("CLP fault: command 0x%x: %s\n", req->cmd,
		clp_fault_names[clp_fault_mode]);
	switch (clp_fault_mode) {
	case CLP_FAULT_CC3:
		return 3;
	case CLP_FAULT_RSP:
		clp_fault_rsp(rrb)->rsp = CLP_RC_CMD;
		return 0;
	case CLP_FAULT_SHORT:
		WRITE_ONCE(clp_fault_short_rrb, rrb);
		break;
	}
	return -1;
}

/**
 * zpci_clp_fault_after() - cut the response of an armed, issued request
 * @rrb: the request block, with its response
 */
void zpci_clp_fault_after(void *rrb)
{
	if (READ_ONCE(clp_fault_short_rrb) != rrb)
		return;
	clp_fault_rsp(rrb)->len = sizeof(struct clp_rsp_hdr);
	WRITE_ONCE(clp_fault_short_rrb, NULL);
}

/**
 * clp_fault_arm() - arm or disarm the fault
 * @spec: "N MODE" or "N:MODE" (N >= 1), or "off"
 *
 * Return: 0 or -EINVAL.
 */
static int clp_fault_arm(char *spec)
{
	unsigned int nth;
	char *mode;
	int i;

	spec = strim(spec);
	if (!strcmp(spec, "off") || !strcmp(spec, "0")) {
		atomic_set(&clp_fault_countdown, 0);
		return 0;
	}
	mode = strpbrk(spec, " :");
	if (!mode)
		return -EINVAL;
	*mode++ = '\0';
	if (kstrtouint(spec, 0, &nth) || !nth)
		return -EINVAL;
	i = match_string(clp_fault_names, ARRAY_SIZE(clp_fault_names),
			 strim(mode));
	if (i < 0)
		return -EINVAL;
	atomic_set(&clp_fault_countdown, 0);
	clp_fault_mode = i;
	atomic_set(&clp_fault_countdown, nth);
	return 0;
}

static int __init clp_fault_setup(char *str)
{
	clp_fault_param = str;
	return 1;
}
__setup("zpci_clp_fault=", clp_fault_setup);

static int clp_fault_show(struct seq_file *m, void *v)
{
	int left = atomic_read(&clp_fault_countdown);

	if (left)
		seq_printf(m, "armed %d %s\n", left,
			   clp_fault_names[clp_fault_mode]);
	else
		seq_puts(m, "off\n");
	seq_printf(m, "fired %d\n", atomic_read(&clp_fault_fired));
	if (atomic_read(&clp_fault_fired))
		seq_printf(m, "last command 0x%x %s\n", clp_fault_last_cmd,
			   clp_fault_names[clp_fault_last_mode]);
	return 0;
}

static ssize_t clp_fault_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	char buf[32];

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	return clp_fault_arm(buf) ?: count;
}

DEFINE_SHOW_STORE_ATTRIBUTE(clp_fault);

/**
 * zpci_clp_fault_debugfs_init() - create pci/clp_fault
 * @root: the zPCI debugfs directory
 */
void zpci_clp_fault_debugfs_init(struct dentry *root)
{
	debugfs_create_file("clp_fault", 0600, root, NULL, &clp_fault_fops);
}

/* Arm the boot-time fault before zPCI issues its first request. */
static int __init clp_fault_init(void)
{
	char *spec;

	if (!clp_fault_param)
		return 0;
	spec = kstrdup(clp_fault_param, GFP_KERNEL);
	if (!spec)
		return -ENOMEM;
	if (clp_fault_arm(spec))
		pr_err("zpci_clp_fault=%s: expected N:cc3|rsp|short\n",
		       clp_fault_param);
	else
		pr_info("CLP fault armed from the command line: %s\n",
			clp_fault_param);
	kfree(spec);
	return 0;
}
core_initcall(clp_fault_init);
