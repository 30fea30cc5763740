// SPDX-License-Identifier: GPL-2.0
/*
 * Check that every zPCI function a device profile declares is present in
 * the guest with its declared function id, uid, function group and
 * vendor:device, and that no undeclared zPCI function is present.
 *
 * The declaration comes from the environment, one entry per function:
 *   ZPCI_FUNCTIONS="fid:uid:pfgid:vendor:device ..."   (all hex)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../kselftest.h"
#include "zpci_sysfs.h"

#define MAX_FUNCS 256

struct zpci_decl {
	unsigned long long fid, uid, pfgid, vendor, device;
};

static int parse_decls(const char *spec, struct zpci_decl *d, int max)
{
	char *copy = strdup(spec), *tok, *save = NULL;
	int n = 0;

	for (tok = strtok_r(copy, " \t\n", &save); tok && n < max;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		if (sscanf(tok, "%llx:%llx:%llx:%llx:%llx", &d[n].fid,
			   &d[n].uid, &d[n].pfgid, &d[n].vendor,
			   &d[n].device) != 5) {
			free(copy);
			return -1;
		}
		n++;
	}
	free(copy);
	return n;
}

static int count_zpci_functions(void)
{
	unsigned long long fid;
	struct dirent *de;
	int n = 0;
	DIR *dir;

	dir = opendir(ZPCI_PCI_DEVICES);
	if (!dir)
		return 0;
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.' &&
		    !zpci_read_ulong(de->d_name, "function_id", &fid))
			n++;
	closedir(dir);
	return n;
}

static void check_decl(const struct zpci_decl *d)
{
	unsigned long long uid, pfgid, vendor, device;
	char bdf[256];

	if (zpci_find_by_fid(d->fid, bdf, sizeof(bdf))) {
		ksft_test_result_fail("fid 0x%llx: no such function\n", d->fid);
		return;
	}
	if (zpci_read_ulong(bdf, "uid", &uid) ||
	    zpci_read_ulong(bdf, "pfgid", &pfgid) ||
	    zpci_read_ulong(bdf, "vendor", &vendor) ||
	    zpci_read_ulong(bdf, "device", &device)) {
		ksft_test_result_fail("fid 0x%llx (%s): unreadable attributes\n",
				      d->fid, bdf);
		return;
	}
	if (uid != d->uid || pfgid != d->pfgid || vendor != d->vendor ||
	    device != d->device) {
		ksft_print_msg("fid 0x%llx (%s): found uid 0x%llx pfgid 0x%llx %04llx:%04llx\n",
			       d->fid, bdf, uid, pfgid, vendor, device);
		ksft_print_msg("fid 0x%llx: declared uid 0x%llx pfgid 0x%llx %04llx:%04llx\n",
			       d->fid, d->uid, d->pfgid, d->vendor, d->device);
		ksft_test_result_fail("fid 0x%llx: attributes differ\n", d->fid);
		return;
	}
	ksft_test_result_pass("fid 0x%llx (%s): uid 0x%llx pfgid 0x%llx %04llx:%04llx\n",
			      d->fid, bdf, uid, pfgid, vendor, device);
}

int main(void)
{
	static struct zpci_decl decls[MAX_FUNCS];
	const char *spec = getenv("ZPCI_FUNCTIONS");
	int n, i, present;

	ksft_print_header();
	if (!spec || !*spec)
		ksft_exit_skip("ZPCI_FUNCTIONS is not set: run from the zpci runner\n");
	n = parse_decls(spec, decls, MAX_FUNCS);
	if (n < 0)
		ksft_exit_fail_msg("ZPCI_FUNCTIONS malformed: \"%s\"\n", spec);
	ksft_set_plan(n + 1);
	for (i = 0; i < n; i++)
		check_decl(&decls[i]);
	present = count_zpci_functions();
	ksft_test_result(present == n, "%d zPCI functions present, %d declared\n",
			 present, n);
	ksft_finished();
}
