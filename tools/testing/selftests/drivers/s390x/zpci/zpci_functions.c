// SPDX-License-Identifier: GPL-2.0
/*
 * Check the zPCI functions of the guest, as sysfs shows them.
 *
 * By default every zPCI function found (a PCI device with a function_id
 * attribute) is checked against rules that hold on any machine: its ids
 * are readable, no two functions share a function id, nor a UID when UID
 * checking is on (uid_is_unique), where each PCI domain is the UID of a
 * function in it (the first of its bus); the
 * values in effect in clp/ obey the rules of
 * Documentation/arch/s390/zpci-clp.rst; and the function uses no more
 * MSI vectors than noi allows (a kernel without clp/ gets the id checks
 * only); an enabled function lists its copy counters in its debugfs
 * statistics file, no store block across 4 KiB.  Reads sysfs and debugfs
 * only.
 *
 * ZPCI_FUNCTIONS="fid:uid:pfgid:vendor:device ..." (all hex) declares the
 * functions instead: each must be present with its declared attributes
 * and values in effect that obey the rules, and no other.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "../../../kselftest.h"
#include "zpci_sysfs.h"

#define MAX_FUNCS 256
#define PAGE_4K 4096ULL
#define MAX_STBL 4096
#define MAX_NOI 2048
#define DEBUGFS_PCI "/sys/kernel/debug/pci"
/* "Copy ..." lines of a statistics file: 7 counters, 13 size classes */
#define COPY_COUNTERS 20

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

/* The names of the zPCI functions in sysfs, at most @max; their number. */
static int list_zpci_functions(char (*bdfs)[64], int max)
{
	unsigned long long fid;
	struct dirent *de;
	int n = 0;
	DIR *dir;

	dir = opendir(ZPCI_PCI_DEVICES);
	if (!dir)
		return 0;
	while ((de = readdir(dir)) && n < max)
		if (de->d_name[0] != '.' &&
		    !zpci_read_ulong(de->d_name, "function_id", &fid))
			snprintf(bdfs[n++], sizeof(bdfs[0]), "%.63s", de->d_name);
	closedir(dir);
	return n;
}

/* One broken rule of function @bdf: say which, count it. */
#define RULE(_ok, _bad, _fmt, ...) do {					\
	if (!(_ok)) {							\
		ksft_print_msg("%s: " _fmt "\n", bdf, ##__VA_ARGS__);	\
		(*(_bad))++;						\
	}								\
} while (0)

/* The last I/O address the largest table type in @dtsm translates. */
static unsigned long long table_limit(unsigned long long dtsm)
{
	if (dtsm & 0x10)		/* region-first */
		return ~0ULL;
	if (dtsm & 0x20)		/* region-second */
		return (1ULL << 53) - 1;
	return (1ULL << 42) - 1;	/* region-third */
}

/* Entries of directory @dir (other than . and ..), 0 when it is absent. */
static unsigned long long count_entries(const char *dir)
{
	unsigned long long n = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/*
 * The copy counters at the end of @bdf's debugfs statistics file, there
 * while the function is enabled: all of them, and no store block across
 * 4 KiB.
 */
static void check_copy_counters(const char *bdf, int *bad)
{
	unsigned long long enabled = 0;
	char path[512], line[256], *p;
	long long across_4k = -1;
	int copies = 0, tries;
	struct statfs fs;
	FILE *f = NULL;

	if (statfs(DEBUGFS_PCI, &fs) || fs.f_type != DEBUGFS_MAGIC) {
		ksft_print_msg("%s: no debugfs at " DEBUGFS_PCI ": copy counters not checked\n",
			       bdf);
		return;
	}
	snprintf(path, sizeof(path), DEBUGFS_PCI "/%s/statistics", bdf);
	/* A driver binding now counts the function enabled before the file is there */
	for (tries = 0; !f && tries < 2; tries++) {
		if (tries)
			usleep(200000);
		f = fopen(path, "r");
		if (!f && errno != ENOENT) {
			ksft_print_msg("%s: %s: %s: copy counters not checked\n",
				       bdf, path, strerror(errno));
			return;
		}
	}
	if (!f) {
		RULE(!zpci_read_ulong(bdf, "enable", &enabled) && !enabled, bad,
		     "enabled (or enable unreadable), but no %s", path);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line + strspn(line, " "), "Copy ", 5))
			copies++;
		p = strstr(line, "Copy blocks across 4K:");
		if (p)
			across_4k = strtoll(p + strlen("Copy blocks across 4K:"), NULL, 10);
	}
	fclose(f);
	RULE(copies == COPY_COUNTERS, bad, "%s: %d copy counters, not %d", path,
	     copies, COPY_COUNTERS);
	RULE(!across_4k, bad, "%s: %lld store blocks across 4 KiB (-1: no such line)",
	     path, across_4k);
}

/*
 * The values in effect of @bdf (clp/) against the documented rules; in a
 * kernel with clp/, its copy counters too.
 */
static void check_clp(const char *bdf, int *bad)
{
	unsigned long long start, end, mask, dtsm, frame, noi, dnoi, msia;
	unsigned long long allowed, maxstbl, mui, vecs;
	char path[512];

	snprintf(path, sizeof(path), ZPCI_PCI_DEVICES "/%s/clp", bdf);
	if (access(path, F_OK)) {
		ksft_print_msg("%s: no clp/ (kernel without the CLP report): not checked\n",
			       bdf);
		return;
	}
	if (zpci_read_ulong(bdf, "clp/dma_start", &start) ||
	    zpci_read_ulong(bdf, "clp/dma_end", &end) ||
	    zpci_read_ulong(bdf, "clp/dma_mask", &mask) ||
	    zpci_read_ulong(bdf, "clp/dtsm", &dtsm) ||
	    zpci_read_ulong(bdf, "clp/frame", &frame) ||
	    zpci_read_ulong(bdf, "clp/noi", &noi) ||
	    zpci_read_ulong(bdf, "clp/dnoi", &dnoi) ||
	    zpci_read_ulong(bdf, "clp/msi_addr", &msia) ||
	    zpci_read_ulong(bdf, "clp/msi_allowed", &allowed) ||
	    zpci_read_ulong(bdf, "clp/maxstbl", &maxstbl) ||
	    zpci_read_ulong(bdf, "clp/mui", &mui)) {
		RULE(0, bad, "clp/ attributes unreadable");
		return;
	}
	RULE(start < end, bad, "empty aperture 0x%llx-0x%llx", start, end);
	RULE(!(start % PAGE_4K) && !((end + 1) % PAGE_4K), bad,
	     "aperture 0x%llx-0x%llx not page aligned", start, end);
	RULE(mask && !(mask & (mask + 1)), bad,
	     "dma_mask 0x%llx is not 2^n - 1", mask);
	RULE(end <= mask, bad, "dma_end 0x%llx beyond dma_mask 0x%llx", end, mask);
	RULE(dtsm && !(dtsm & ~0x70ULL), bad,
	     "dtsm 0x%llx is not a set of region-table types", dtsm);
	RULE(end <= table_limit(dtsm), bad,
	     "dma_end 0x%llx beyond what dtsm 0x%llx translates", end, dtsm);
	RULE(frame <= 1, bad, "frame %llu", frame);
	RULE(noi <= MAX_NOI && dnoi <= MAX_NOI, bad,
	     "noi %llu, dnoi %llu: more than %d", noi, dnoi, MAX_NOI);
	RULE(allowed == (noi && msia), bad,
	     "msi_allowed %llu with noi %llu, msi_addr 0x%llx", allowed, noi, msia);
	RULE(maxstbl >= 8 && maxstbl <= MAX_STBL && !(maxstbl % 8), bad,
	     "maxstbl %llu is no store-block length", maxstbl);
	RULE(mui, bad, "mui 0");
	snprintf(path, sizeof(path), ZPCI_PCI_DEVICES "/%s/msi_irqs", bdf);
	vecs = count_entries(path);
	RULE(vecs <= (allowed ? noi : 0), bad,
	     "%llu MSI vectors in use, noi %llu, msi_allowed %llu", vecs, noi,
	     allowed);
	check_copy_counters(bdf, bad);
}

/* One function: readable ids, then its values in effect. */
static void check_function(const char *bdf, unsigned long long *fid,
			   unsigned long long *uid)
{
	unsigned long long pfgid, vendor, device;
	int bad = 0;

	if (zpci_read_ulong(bdf, "function_id", fid) ||
	    zpci_read_ulong(bdf, "uid", uid) ||
	    zpci_read_ulong(bdf, "pfgid", &pfgid) ||
	    zpci_read_ulong(bdf, "vendor", &vendor) ||
	    zpci_read_ulong(bdf, "device", &device)) {
		ksft_test_result_fail("%s: unreadable ids\n", bdf);
		return;
	}
	check_clp(bdf, &bad);
	ksft_test_result(!bad, "%s: fid 0x%llx uid 0x%llx pfgid 0x%llx %04llx:%04llx\n",
			 bdf, *fid, *uid, pfgid, vendor, device);
}

/* Whether one of the functions in PCI domain @domain has @domain as UID. */
static int domain_has_uid(char (*bdfs)[64], const unsigned long long *uids,
			  int n, unsigned int domain)
{
	unsigned int d;
	int i;

	for (i = 0; i < n; i++)
		if (sscanf(bdfs[i], "%x:", &d) == 1 && d == domain &&
		    uids[i] == domain)
			return 1;
	return 0;
}

/*
 * No two functions share a fid; with UID checking, none shares a UID, and
 * each PCI domain is the UID of one of its functions (the first of its
 * bus; the others of a multifunction bus have UIDs of their own).
 */
static void check_ids(char (*bdfs)[64], const unsigned long long *fids,
		      const unsigned long long *uids, int n)
{
	unsigned long long unique = 0;
	unsigned int domain;
	int i, j, bad = 0;
	const char *bdf;

	if (n)
		zpci_read_ulong(bdfs[0], "uid_is_unique", &unique);
	for (i = 0; i < n; i++) {
		bdf = bdfs[i];
		for (j = 0; j < i; j++) {
			RULE(fids[i] != fids[j], &bad, "fid 0x%llx also has %s",
			     fids[i], bdfs[j]);
			RULE(!unique || uids[i] != uids[j], &bad,
			     "uid 0x%llx also has %s (UID checking on)", uids[i],
			     bdfs[j]);
		}
		if (unique && sscanf(bdf, "%x:", &domain) == 1)
			RULE(domain_has_uid(bdfs, uids, n, domain), &bad,
			     "domain %04x is the uid of none of its functions (UID checking on)",
			     domain);
	}
	ksft_test_result(!bad, "%d zPCI functions: fids unique, uids %s\n", n,
			 unique ? "unique, each domain one's uid" : "not checked");
}

/* A declared function: present, its declared ids, its values in effect. */
static void check_decl(const struct zpci_decl *d)
{
	unsigned long long uid, pfgid, vendor, device;
	char bdf[256];
	int bad = 0;

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
	check_clp(bdf, &bad);
	ksft_test_result(!bad, "fid 0x%llx (%s): uid 0x%llx pfgid 0x%llx %04llx:%04llx\n",
			 d->fid, bdf, uid, pfgid, vendor, device);
}

static int check_declarations(const char *spec)
{
	static struct zpci_decl decls[MAX_FUNCS];
	static char bdfs[MAX_FUNCS][64];
	int n, i, present;

	n = parse_decls(spec, decls, MAX_FUNCS);
	if (n < 0)
		ksft_exit_fail_msg("ZPCI_FUNCTIONS malformed: \"%s\"\n", spec);
	ksft_set_plan(n + 1);
	for (i = 0; i < n; i++)
		check_decl(&decls[i]);
	present = list_zpci_functions(bdfs, MAX_FUNCS);
	ksft_test_result(present == n, "%d zPCI functions present, %d declared\n",
			 present, n);
	ksft_finished();
}

static int check_found(void)
{
	static unsigned long long fids[MAX_FUNCS], uids[MAX_FUNCS];
	static char bdfs[MAX_FUNCS][64];
	int n, i;

	n = list_zpci_functions(bdfs, MAX_FUNCS);
	if (!n)
		ksft_exit_skip("no zPCI function in " ZPCI_PCI_DEVICES "\n");
	ksft_set_plan(n + 1);
	for (i = 0; i < n; i++)
		check_function(bdfs[i], &fids[i], &uids[i]);
	check_ids(bdfs, fids, uids, n);
	ksft_finished();
}

int main(void)
{
	const char *spec = getenv("ZPCI_FUNCTIONS");

	ksft_print_header();
	if (spec && *spec)
		return check_declarations(spec);
	return check_found();
}
