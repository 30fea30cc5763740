// SPDX-License-Identifier: GPL-2.0
/*
 * zPCI CLP fault injection (CONFIG_FAIL_ZPCI_CLP, testing only), on the
 * kernel's fault-injection framework (Documentation/fault-injection/).
 *
 * Three capabilities, each a way a broken or hostile hypervisor makes a
 * CLP request fail:
 *
 *   fail_zpci_clp_cc3    the request is not issued; condition code 3
 *   fail_zpci_clp_rsp    the request is not issued; the response code says
 *                        "command not recognized"
 *   fail_zpci_clp_short  the request is issued; its response length is
 *                        then cut to the response header, as if no field
 *                        had been reported
 *
 * Each is set with the boot option of its name or in
 * /sys/kernel/debug/pci/<name>/.  Every CLP request is one call of size 1,
 * asked of the capabilities in this order: space N, times 1 and
 * probability 100 fail the N-th request from then on, once.  Each fault is
 * logged with the command it failed.
 *
 * Copyright IBM Corp. 2026
 */

#define KMSG_COMPONENT "zpci"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/fault-inject.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/pci.h>
#include <asm/pci_clp.h>

#include "pci_clp_fault.h"

enum clp_fault_mode {
	CLP_FAULT_CC3,
	CLP_FAULT_RSP,
	CLP_FAULT_SHORT,
	CLP_FAULT_NR,
};

static struct fault_attr clp_fault_attr[CLP_FAULT_NR] = {
	[CLP_FAULT_CC3]		= FAULT_ATTR_INITIALIZER,
	[CLP_FAULT_RSP]		= FAULT_ATTR_INITIALIZER,
	[CLP_FAULT_SHORT]	= FAULT_ATTR_INITIALIZER,
};

static const char * const clp_fault_names[CLP_FAULT_NR] = {
	[CLP_FAULT_CC3]		= "fail_zpci_clp_cc3",
	[CLP_FAULT_RSP]		= "fail_zpci_clp_rsp",
	[CLP_FAULT_SHORT]	= "fail_zpci_clp_short",
};

static int __init clp_fault_cc3_setup(char *str)
{
	return setup_fault_attr(&clp_fault_attr[CLP_FAULT_CC3], str);
}
__setup("fail_zpci_clp_cc3=", clp_fault_cc3_setup);

static int __init clp_fault_rsp_setup(char *str)
{
	return setup_fault_attr(&clp_fault_attr[CLP_FAULT_RSP], str);
}
__setup("fail_zpci_clp_rsp=", clp_fault_rsp_setup);

static int __init clp_fault_short_setup(char *str)
{
	return setup_fault_attr(&clp_fault_attr[CLP_FAULT_SHORT], str);
}
__setup("fail_zpci_clp_short=", clp_fault_short_setup);

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
 * zpci_clp_fault_before() - fail a CLP request instead of issuing it
 * @rrb: the request block about to be issued
 *
 * Return: the condition code to return without issuing the request,
 * ZPCI_CLP_FAULT_CUT to issue it and then cut its response
 * (zpci_clp_fault_cut()), or ZPCI_CLP_FAULT_NONE to issue it.
 */
int zpci_clp_fault_before(void *rrb)
{
	struct clp_req_hdr *req = rrb;
	int mode;

	for (mode = 0; mode < CLP_FAULT_NR; mode++)
		if (should_fail(&clp_fault_attr[mode], 1))
			break;
	if (mode == CLP_FAULT_NR)
		return ZPCI_CLP_FAULT_NONE;

	pr_info("CLP fault: command 0x%x: %s\n", req->cmd, clp_fault_names[mode]);
	switch (mode) {
	case CLP_FAULT_CC3:
		return 3;
	case CLP_FAULT_RSP:
		clp_fault_rsp(rrb)->rsp = CLP_RC_CMD;
		return 0;
	default:
		return ZPCI_CLP_FAULT_CUT;
	}
}

/**
 * zpci_clp_fault_cut() - cut the response of an issued request to its header
 * @rrb: the request block, with its response
 *
 * For a request zpci_clp_fault_before() answered with ZPCI_CLP_FAULT_CUT
 * and that completed (condition code 0): the caller keeps that answer, so
 * concurrent requests do not mix their faults up.
 */
void zpci_clp_fault_cut(void *rrb)
{
	clp_fault_rsp(rrb)->len = sizeof(struct clp_rsp_hdr);
}

/**
 * zpci_clp_fault_debugfs_init() - create pci/fail_zpci_clp_*
 * @root: the zPCI debugfs directory
 *
 * Without CONFIG_FAULT_INJECTION_DEBUG_FS only the boot options set them.
 */
void zpci_clp_fault_debugfs_init(struct dentry *root)
{
	int mode;

	for (mode = 0; mode < CLP_FAULT_NR; mode++)
		fault_create_debugfs_attr(clp_fault_names[mode], root,
					  &clp_fault_attr[mode]);
}

/*
 * A fault is logged by its own line; the framework's stack dump of every
 * injected failure would be read as a kernel warning by a test.  Before
 * zPCI issues its first request.
 */
static int __init clp_fault_init(void)
{
	int mode;

	for (mode = 0; mode < CLP_FAULT_NR; mode++)
		clp_fault_attr[mode].verbose = 1;
	return 0;
}
core_initcall(clp_fault_init);
