// SPDX-License-Identifier: GPL-2.0
/*
 * The zPCI capabilities VFIO reports to userspace, checked end to end: a
 * function is bound to vfio-pci, opened through the VFIO group and type1
 * container the way QEMU opens a passthrough device, and every field of
 * the VFIO_DEVICE_INFO_CAP_ZPCI_{BASE,GROUP,UTIL,PFIP} capabilities is
 * compared with the function's sysfs report (the ids, pfip/ and the clp/
 * values in effect).  Then DMA mappings are made through the container:
 * inside the reported DMA range they must succeed, outside it (or across
 * its ends) they must fail with EINVAL; and a register of the function's
 * BAR is written and read back through the vfio-pci region.
 *
 * The function: ZPCI_VFIO_FID, else the first virtio-pci function (vendor
 * 0x1af4, whose BAR 4 layout is known) that no driver claims: nothing uses
 * it, and it is left without a driver.  Without either the test skips.
 *
 * Environment (optional):
 *   ZPCI_VFIO_FID  function to bind to vfio-pci (hex); it is given back to
 *                  its own driver at the end
 *   ZPCI_VFIO_BAR  BAR of the read/write check (default 4: the virtio-pci
 *                  modern capabilities; offset 0 is the common
 *                  configuration, whose first register is read/write)
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/vfio.h>
#include <linux/vfio_zdev.h>

#include "../../../kselftest_harness.h"
#include "zpci_sysfs.h"

#define VFIO_DRIVER "vfio-pci"
#define MAP_LEN (64 * 1024ULL)
#define REFRESH VFIO_DEVICE_INFO_ZPCI_FLAG_REFRESH
/* Largest store block an intercepting VMM takes (ZPCI_MAX_WRITE_SIZE). */
#define VMM_MAX_STBL 128

/* Number of the IOMMU group of @bdf, -1 when it has none. */
static int group_number(const char *bdf)
{
	char path[512], link[512], *name;
	ssize_t n;

	snprintf(path, sizeof(path), ZPCI_PCI_DEVICES "/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return -1;
	link[n] = '\0';
	name = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
	return atoi(name);
}

/* The capability @id in the chain of @info, NULL when absent. */
static struct vfio_info_cap_header *find_cap(struct vfio_device_info *info,
					     unsigned int id)
{
	struct vfio_info_cap_header *hdr;
	unsigned int off;

	if (!(info->flags & VFIO_DEVICE_FLAGS_CAPS))
		return NULL;
	for (off = info->cap_offset; off; off = hdr->next) {
		if (off + sizeof(*hdr) > info->argsz)
			return NULL;
		hdr = (void *)info + off;
		if (hdr->id == id)
			return hdr;
	}
	return NULL;
}

/* Numeric sysfs attribute of the function, the test fails when missing. */
#define SYSFS(_attr) ({							\
	const char *__a = (_attr);					\
	unsigned long long __v = 0;					\
	ASSERT_EQ(0, zpci_read_ulong(self->bdf, __a, &__v))		\
		TH_LOG("sysfs attribute %s missing", __a);		\
	__v; })

FIXTURE(vfio)
{
	char bdf[256];
	char drv[64];
	bool free;		/* taken without a driver: left so */
	int container, group, device;
	struct vfio_device_info *info;
	void *buf;
};

/*
 * Close what the setup opened and give the function back to its own
 * driver: the teardown, and the setup when it fails after the binding (the
 * harness runs no teardown for a setup that did not finish).
 */
static void vfio_release(FIXTURE_DATA(vfio) *self)
{
	if (self->buf && self->buf != MAP_FAILED)
		munmap(self->buf, 2 * MAP_LEN);
	self->buf = NULL;
	free(self->info);
	self->info = NULL;
	if (self->device >= 0)
		close(self->device);
	self->device = -1;
	if (self->group >= 0) {
		ioctl(self->group, VFIO_GROUP_UNSET_CONTAINER);
		close(self->group);
	}
	self->group = -1;
	if (self->container >= 0)
		close(self->container);
	self->container = -1;
	if (!self->bdf[0])
		return;
	/* Back to the function's own driver. */
	zpci_unbind_override(self->bdf, !self->free);
	self->bdf[0] = '\0';
}

/* A check of the setup after the binding: on failure give the function back. */
#define BOUND_ASSERT(cond, ...) do {					\
	if (!(cond)) {							\
		vfio_release(self);					\
		ASSERT_TRUE(false) TH_LOG(__VA_ARGS__);			\
	}								\
} while (0)

FIXTURE_SETUP(vfio)
{
	const char *fid = getenv("ZPCI_VFIO_FID");
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_device_info probe = { .argsz = sizeof(probe) };
	char path[512];
	int grp;

	self->container = -1;
	self->group = -1;
	self->device = -1;
	if (fid)
		ASSERT_EQ(0, zpci_find_by_fid(strtoull(fid, NULL, 16), self->bdf,
					      sizeof(self->bdf)));
	if (!fid && zpci_find_free(ZPCI_VIRTIO_VENDOR, self->bdf, sizeof(self->bdf)))
		SKIP(return,
		     "no virtio-pci function without a driver: name one with ZPCI_VFIO_FID");
	self->free = !fid;
	/* Before the binding: a skip leaves the function as it was. */
	if (access("/dev/vfio/vfio", R_OK | W_OK)) {
		snprintf(path, sizeof(path), "/dev/vfio/vfio: %s (CONFIG_VFIO?)",
			 strerror(errno));
		self->bdf[0] = '\0';
		SKIP(return, "%s", path);
	}
	if (access("/sys/bus/pci/drivers/" VFIO_DRIVER, F_OK)) {
		self->bdf[0] = '\0';
		SKIP(return, "no %s driver (CONFIG_VFIO_PCI?)", VFIO_DRIVER);
	}

	/* Hand the function to vfio-pci. */
	zpci_bound_driver(self->bdf, self->drv, sizeof(self->drv));
	ASSERT_EQ(0, zpci_bind_override(self->bdf, VFIO_DRIVER));

	/* Group and container, as a VMM opens them. */
	grp = group_number(self->bdf);
	BOUND_ASSERT(grp >= 0, "%s has no IOMMU group", self->bdf);
	self->container = open("/dev/vfio/vfio", O_RDWR);
	BOUND_ASSERT(self->container >= 0, "/dev/vfio/vfio: %s", strerror(errno));
	BOUND_ASSERT(ioctl(self->container, VFIO_GET_API_VERSION) == VFIO_API_VERSION,
		     "VFIO_GET_API_VERSION");
	BOUND_ASSERT(ioctl(self->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) == 1,
		     "no VFIO_TYPE1v2_IOMMU");
	snprintf(path, sizeof(path), "/dev/vfio/%d", grp);
	self->group = open(path, O_RDWR);
	BOUND_ASSERT(self->group >= 0, "%s: %s", path, strerror(errno));
	BOUND_ASSERT(!ioctl(self->group, VFIO_GROUP_GET_STATUS, &status),
		     "VFIO_GROUP_GET_STATUS: %s", strerror(errno));
	BOUND_ASSERT(status.flags & VFIO_GROUP_FLAGS_VIABLE, "group %d not viable", grp);
	BOUND_ASSERT(!ioctl(self->group, VFIO_GROUP_SET_CONTAINER, &self->container),
		     "VFIO_GROUP_SET_CONTAINER: %s", strerror(errno));
	BOUND_ASSERT(!ioctl(self->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU),
		     "VFIO_SET_IOMMU: %s", strerror(errno));
	self->device = ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, self->bdf);
	BOUND_ASSERT(self->device >= 0, "GET_DEVICE_FD: %s", strerror(errno));

	/* Device info with its whole capability chain. */
	BOUND_ASSERT(!ioctl(self->device, VFIO_DEVICE_GET_INFO, &probe),
		     "VFIO_DEVICE_GET_INFO: %s", strerror(errno));
	BOUND_ASSERT(probe.argsz > sizeof(probe), "no capability chain");
	self->info = calloc(1, probe.argsz);
	BOUND_ASSERT(self->info, "no memory");
	self->info->argsz = probe.argsz;
	BOUND_ASSERT(!ioctl(self->device, VFIO_DEVICE_GET_INFO, self->info),
		     "VFIO_DEVICE_GET_INFO: %s", strerror(errno));
	BOUND_ASSERT(self->info->flags & VFIO_DEVICE_FLAGS_PCI, "not a PCI device");

	self->buf = mmap(NULL, 2 * MAP_LEN, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	BOUND_ASSERT(self->buf != MAP_FAILED, "mmap: %s", strerror(errno));
	TH_LOG("function %s (%s before) in IOMMU group %d", self->bdf,
	       self->drv[0] ? self->drv : "no driver", grp);
}

FIXTURE_TEARDOWN(vfio)
{
	vfio_release(self);
}

/* BASE: ids and DMA range of the function. */
TEST_F(vfio, base_cap)
{
	struct vfio_device_info_cap_zpci_base *cap;

	cap = (void *)find_cap(self->info, VFIO_DEVICE_INFO_CAP_ZPCI_BASE);
	ASSERT_NE(NULL, cap) TH_LOG("no ZPCI_BASE capability");
	ASSERT_LE(2, cap->header.version);
	TH_LOG("base: dma 0x%llx-0x%llx fh 0x%x gid 0x%x fmb_length %u",
	       (unsigned long long)cap->start_dma, (unsigned long long)cap->end_dma,
	       cap->fh, cap->gid, cap->fmb_length);
	EXPECT_EQ(SYSFS("clp/dma_start"), cap->start_dma);
	/* Both are the aperture in effect, after the IOMMU's limit. */
	EXPECT_EQ(SYSFS("clp/dma_end"), cap->end_dma);
	EXPECT_LT(cap->start_dma, cap->end_dma);
	EXPECT_EQ(SYSFS("pchid"), cap->pchid);
	EXPECT_EQ(SYSFS("vfn"), cap->vfn);
	EXPECT_EQ(SYSFS("pft"), cap->pft);
	EXPECT_EQ(SYSFS("pfgid"), cap->gid);
	EXPECT_EQ(SYSFS("function_handle"), cap->fh);
	EXPECT_EQ(SYSFS("clp/fmb_len"), cap->fmb_length);
}

/* GROUP: the group's values in effect. */
TEST_F(vfio, group_cap)
{
	struct vfio_device_info_cap_zpci_group *cap;
	unsigned long long noi, maxstbl;

	cap = (void *)find_cap(self->info, VFIO_DEVICE_INFO_CAP_ZPCI_GROUP);
	ASSERT_NE(NULL, cap) TH_LOG("no ZPCI_GROUP capability");
	ASSERT_LE(2, cap->header.version);
	TH_LOG("group: dasm 0x%llx msia 0x%llx flags 0x%llx mui %u noi %u",
	       (unsigned long long)cap->dasm, (unsigned long long)cap->msi_addr,
	       (unsigned long long)cap->flags, cap->mui, cap->noi);
	TH_LOG("group: maxstbl %u version %u imaxstbl %u",
	       cap->maxstbl, cap->version, cap->imaxstbl);
	EXPECT_EQ(SYSFS("clp/dma_mask"), cap->dasm);
	EXPECT_EQ(SYSFS("clp/msi_addr"), cap->msi_addr);
	/* REFRESH always: the VFIO user shadows the tables (documented). */
	EXPECT_EQ(REFRESH, cap->flags);
	EXPECT_EQ(SYSFS("clp/mui"), cap->mui);
	noi = SYSFS("clp/msi_allowed") ? SYSFS("clp/noi") : 0;
	EXPECT_EQ(noi, cap->noi);
	/*
	 * maxstbl is what an intercepting VMM accepts: QEMU copies a guest's
	 * store block into a buffer of ZPCI_MAX_WRITE_SIZE bytes bounded by
	 * this value, so it must never exceed that, whatever the group says.
	 * imaxstbl, for interpreted execution, is the value in effect.
	 */
	maxstbl = SYSFS("clp/maxstbl");
	EXPECT_GE(VMM_MAX_STBL, cap->maxstbl);
	EXPECT_EQ(maxstbl < VMM_MAX_STBL ? maxstbl : VMM_MAX_STBL, cap->maxstbl);
	EXPECT_EQ(maxstbl, cap->imaxstbl);
	EXPECT_EQ(SYSFS("clp/version"), cap->version);
}

/* UTIL and PFIP: the strings, byte for byte. */
TEST_F(vfio, util_pfip_caps)
{
	struct vfio_device_info_cap_zpci_pfip *pfip;
	struct vfio_device_info_cap_zpci_util *util;
	unsigned char sys[256];
	char path[512], attr[32];
	unsigned int i;
	ssize_t n;
	int fd;

	pfip = (void *)find_cap(self->info, VFIO_DEVICE_INFO_CAP_ZPCI_PFIP);
	ASSERT_NE(NULL, pfip) TH_LOG("no ZPCI_PFIP capability");
	ASSERT_EQ(4, pfip->size);
	for (i = 0; i < pfip->size; i++) {
		snprintf(attr, sizeof(attr), "pfip/segment%u", i);
		EXPECT_EQ(SYSFS(attr), pfip->pfip[i]);
	}

	util = (void *)find_cap(self->info, VFIO_DEVICE_INFO_CAP_ZPCI_UTIL);
	snprintf(path, sizeof(path), ZPCI_PCI_DEVICES "/%s/util_string", self->bdf);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", path, strerror(errno));
	n = read(fd, sys, sizeof(sys));
	close(fd);
	ASSERT_LT(0, n);
	if (!util) {
		/* No utility string reported: sysfs holds zeroes only. */
		for (i = 0; i < (unsigned int)n; i++)
			EXPECT_EQ(0, sys[i]) TH_LOG("util_string byte %u without ZPCI_UTIL", i);
		return;
	}
	ASSERT_EQ(n, util->size);
	EXPECT_EQ(0, memcmp(sys, util->util_str, n));
}

/* The container's IOVA ranges are the reported DMA range. */
TEST_F(vfio, iova_ranges)
{
	struct vfio_device_info_cap_zpci_base *base;
	struct vfio_iommu_type1_info_cap_iova_range *ranges = NULL;
	struct vfio_iommu_type1_info probe = { .argsz = sizeof(probe) };
	struct vfio_iommu_type1_info *info;
	struct vfio_info_cap_header *hdr;
	unsigned int off;

	base = (void *)find_cap(self->info, VFIO_DEVICE_INFO_CAP_ZPCI_BASE);
	ASSERT_NE(NULL, base);
	ASSERT_EQ(0, ioctl(self->container, VFIO_IOMMU_GET_INFO, &probe));
	info = calloc(1, probe.argsz);
	ASSERT_NE(NULL, info);
	info->argsz = probe.argsz;
	ASSERT_EQ(0, ioctl(self->container, VFIO_IOMMU_GET_INFO, info));
	ASSERT_TRUE(info->flags & VFIO_IOMMU_INFO_CAPS);
	for (off = info->cap_offset; off; off = hdr->next) {
		hdr = (void *)info + off;
		if (hdr->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE)
			ranges = (void *)hdr;
	}
	ASSERT_NE(NULL, ranges);
	ASSERT_EQ(1, ranges->nr_iovas);
	TH_LOG("container IOVA range 0x%llx-0x%llx",
	       (unsigned long long)ranges->iova_ranges[0].start,
	       (unsigned long long)ranges->iova_ranges[0].end);
	EXPECT_EQ(base->start_dma, ranges->iova_ranges[0].start);
	EXPECT_EQ(base->end_dma, ranges->iova_ranges[0].end);
	free(info);
}

/* Map @len bytes at @iova; 0 or errno. */
static int map_dma(int container, void *vaddr, unsigned long long iova,
		   unsigned long long len)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)vaddr,
		.iova = iova,
		.size = len,
	};

	return ioctl(container, VFIO_IOMMU_MAP_DMA, &map) ? errno : 0;
}

/* Unmap @len bytes at @iova; the number of bytes unmapped, -errno. */
static long long unmap_dma(int container, unsigned long long iova,
			   unsigned long long len)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = len,
	};

	if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		return -errno;
	return unmap.size;
}

/* Unmap everything; the number of bytes unmapped, -errno. */
static long long unmap_all(int container)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.flags = VFIO_DMA_UNMAP_FLAG_ALL,
	};

	if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		return -errno;
	return unmap.size;
}

/* Mappings inside the DMA range succeed, outside or across it they fail. */
TEST_F(vfio, map_dma_in_aperture)
{
	struct vfio_device_info_cap_zpci_base *base;
	unsigned long long first, last;

	base = (void *)find_cap(self->info, VFIO_DEVICE_INFO_CAP_ZPCI_BASE);
	ASSERT_NE(NULL, base);
	first = base->start_dma;
	last = base->end_dma + 1 - MAP_LEN;

	/* First and last 64 KiB of the range. */
	ASSERT_EQ(0, map_dma(self->container, self->buf, first, MAP_LEN));
	ASSERT_EQ(0, map_dma(self->container, self->buf + MAP_LEN, last, MAP_LEN));
	EXPECT_EQ(MAP_LEN, unmap_dma(self->container, first, MAP_LEN));
	EXPECT_EQ(MAP_LEN, unmap_dma(self->container, last, MAP_LEN));

	/* Right after the end, across the end, before and across the start. */
	EXPECT_EQ(EINVAL, map_dma(self->container, self->buf, base->end_dma + 1, MAP_LEN));
	EXPECT_EQ(EINVAL, map_dma(self->container, self->buf,
				  base->end_dma + 1 - MAP_LEN / 2, MAP_LEN));
	if (first >= MAP_LEN) {
		EXPECT_EQ(EINVAL, map_dma(self->container, self->buf,
					  first - MAP_LEN, MAP_LEN));
		EXPECT_EQ(EINVAL, map_dma(self->container, self->buf,
					  first - MAP_LEN / 2, MAP_LEN));
	}
	/* Nothing of the refused maps stayed behind. */
	EXPECT_EQ(0, unmap_all(self->container));
	/* The range is usable again after all that. */
	EXPECT_EQ(0, map_dma(self->container, self->buf, first, MAP_LEN));
	EXPECT_EQ(MAP_LEN, unmap_dma(self->container, first, MAP_LEN));
}

/* A BAR register written through the vfio-pci region reads back. */
TEST_F(vfio, bar_region_rw)
{
	struct vfio_region_info reg = { .argsz = sizeof(reg) };
	const char *env = getenv("ZPCI_VFIO_BAR");
	uint32_t val, back, i;

	reg.index = VFIO_PCI_BAR0_REGION_INDEX + (env ? atoi(env) : 4);
	ASSERT_EQ(0, ioctl(self->device, VFIO_DEVICE_GET_REGION_INFO, &reg));
	ASSERT_TRUE(reg.flags & VFIO_REGION_INFO_FLAG_WRITE);
	ASSERT_LE(4, reg.size);
	/* virtio common configuration: device_feature_select, read/write */
	for (i = 0; i < 2; i++) {
		val = i;
		ASSERT_EQ(4, pwrite(self->device, &val, 4, reg.offset));
		back = ~0U;
		ASSERT_EQ(4, pread(self->device, &back, 4, reg.offset));
		EXPECT_EQ(val, back);
	}
}

TEST_HARNESS_MAIN
