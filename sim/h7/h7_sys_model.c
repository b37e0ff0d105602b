/* SPDX-License-Identifier: MIT */
#include "sim/h7/h7_sys_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/clock/vclock.h"
#include "sim/h7/mmio_bus.h"
#include "sim/h7/scs_model.h"

#define RCC_BASE    0x58024400u
#define PWR_BASE    0x58024800u
#define CRS_BASE    0x40008400u
#define FLASH_BASE  0x52002000u
#define GPIO_BASE   0x58020000u
#define UID_BASE    0x1FF1E800u
#define RTC_BASE    0x58004000u
#define SYSCFG_BASE 0x58000400u

#define RCC_RSR       0xD0u
#define RCC_RSR_RMVF  (1u << 16)
#define RCC_APB4ENR   0xF4u
#define RTC_APB_CLOCK (1u << 16) /* RCC_APB4ENR.RTCAPBEN */
#define PWR_CR1_DBP   (1u << 8)
#define RTC_BKP0R     0x50u
#define BKPSRAM_BASE  0x38800000u
#define BKPSRAM_SIZE  0x1000u
#define RCC_AHB4ENR   0xE0u
#define BKPRAM_CLOCK  (1u << 28) /* RCC_AHB4ENR.BKPRAMEN */

/* Start-up times of the models (plausible orders of magnitude). */
#define T_HSI48_US 10u
#define T_PLL_US   50u
#define T_VOS_US   10u

#define PWR_SUPPLY_MSK 0x3Fu
#define PWR_SUPPLY_RST 0x06u

static struct {
	struct h7_sys_config cfg;
	struct h7_sys_stats st;
	uint32_t rcc[0x100 / 4];
	uint64_t hsi48_at, pll1_at;
	uint32_t pwr[0x30 / 4];
	uint64_t vos_at, actvos_at;
	uint32_t crs[4];
	uint32_t flash_acr;
	uint32_t syscfg_pwrcr;
	uint32_t gpio[11][0x28 / 4];
	uint32_t gpio_in[11];
	uint32_t bkp0r;
	uint64_t bkp0r_set_at, bkp0r_held_us;
	uint32_t bkpsram[BKPSRAM_SIZE / 4];
} s;

static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s.st.last_error, sizeof(s.st.last_error), fmt, ap);
	va_end(ap);
	s.st.errors++;
}

static void fail_msg(const char *msg)
{
	fail("%s", msg);
}

static uint64_t now(void)
{
	return vclock_now_us();
}

/* ------------------------------------------------- clocks and flash */

/*
 * Per-line limits (docs/clocks.md, with sources): the highest CPU clock
 * (sys_d1cpre) and HCLK (= ACLK) per VOS, the flash rows "FLASH recommended
 * number of wait states and programming delay" (per VOS, the highest HCLK
 * each LATENCY / WRHIGHFREQ row allows; 0 = not allowed at that VOS), the
 * PLL VCO and DIVN ranges and the FLASH_ACR reset value. Index 0..3 = VOS0
 * ..VOS3. Written separately from the port's own tables on purpose.
 *  - H74x/H75x: RM0433/RM0399 rows as recalled (VOS2/VOS3 agree with ST's
 *    LL_SetFlashLatency, DEV_ID 0x450); VOS0 (ODEN) is not modelled.
 *  - H72x/H73x: ST's LL (DEV_ID 0x483) and embassy's "RM0468 Rev 3 Table 16".
 *  - H7A3/B3/B0: embassy's "RM0455 Rev 10 Table 16" (stricter than ST's LL
 *    at VOS0/VOS1, which it must be to be safe).
 */
struct flash_row {
	uint8_t ws, wrhf;
	uint16_t max_mhz[4];
};

static const struct line_limits {
	const char *name;
	uint16_t cpu_mhz[4], hclk_mhz[4];
	uint16_t vco_wide_min, vco_wide_max, n_min, n_max;
	uint32_t acr_reset;
	struct flash_row rows[8];
} lines[] = {
    [BOARD_FAMILY_H74X] = {"H74x",
                           {0, 400, 300, 200},
                           {0, 200, 150, 100},
                           192,
                           960,
                           4,
                           512,
                           0x37u,
                           {{0, 0, {0, 70, 55, 45}},
                            {1, 1, {0, 140, 110, 90}},
                            {2, 1, {0, 185, 165, 135}},
                            {2, 2, {0, 210, 165, 135}},
                            {3, 2, {0, 225, 225, 180}},
                            {4, 2, {0, 225, 225, 225}}}},
    [BOARD_FAMILY_H72X] = {"H72x",
                           {520, 400, 300, 170},
                           {275, 200, 150, 85},
                           192,
                           836,
                           4,
                           512,
                           0x37u, /* UNVERIFIED: assumed as H74x */
                           {{0, 0, {70, 67, 50, 35}},
                            {1, 1, {140, 133, 100, 70}},
                            {2, 2, {210, 200, 150, 85}},
                            {3, 3, {275, 0, 0, 0}}}},
    [BOARD_FAMILY_H7AB] = {"H7Ax/B",
                           {280, 225, 160, 88},
                           {280, 225, 160, 88},
                           128,
                           560,
                           8,
                           420,
                           0x13u, /* H7B0 SVD reset value */
                           {{0, 0, {42, 38, 34, 22}},
                            {1, 0, {84, 76, 68, 44}},
                            {2, 1, {126, 114, 102, 66}},
                            {3, 1, {168, 152, 136, 88}},
                            {4, 2, {210, 190, 160, 0}},
                            {5, 2, {252, 225, 0, 0}},
                            {6, 3, {280, 0, 0, 0}}}},
};

static const struct line_limits *line(void)
{
	unsigned f = (unsigned)s.cfg.family;
	return f < sizeof(lines) / sizeof(lines[0]) && lines[f].name ? &lines[f] : &lines[0];
}

/* The VOS a VOS field value selects: PWR_D3CR on H74x/H72x (11 VOS1, 10
 * VOS2, 01 VOS3; 00 is VOS0 on the H72x, reserved on the H74x), PWR_SRDCR
 * on H7A3/B3/B0 with the encoding reversed (11 VOS0 .. 00 VOS3; ST's
 * stm32h7xx_hal_pwr.h). */
static unsigned vos_of(unsigned field)
{
	if (s.cfg.family == BOARD_FAMILY_H7AB)
		return 3u - field;
	if (field == 0u)
		return s.cfg.family == BOARD_FAMILY_H72X ? 0u : 3u;
	return 4u - field;
}

/* The VOS in force; VOS3 (the strictest) while a change is not ready. */
static unsigned vos_now(void)
{
	if (now() < s.vos_at)
		return 3u;
	return vos_of((s.pwr[0x18 / 4] >> 14) & 3u);
}

static bool vos_ready(void)
{
	return now() >= s.vos_at;
}

/* PLLn's VCO from HSI (the only source the port uses; others count as 0):
 * PLLCKSELR DIVMn, PLLnDIVR N; 0 if the PLL has no valid input. */
static uint64_t pll_vco_hz(unsigned n)
{
	uint32_t sel = s.rcc[0x28 / 4], m = (sel >> (4u + 8u * n)) & 0x3Fu;
	uint32_t divr = s.rcc[(0x30 + 8 * n) / 4];
	if ((sel & 3u) != 0u || m == 0u)
		return 0;
	uint32_t hsi = 64000000u >> ((s.rcc[0] >> 3) & 3u);
	return (uint64_t)hsi / m * ((divr & 0x1FFu) + 1u);
}

/* PLLn output k (0 P, 1 Q, 2 R). */
static uint32_t pll_out_hz(unsigned n, unsigned k)
{
	uint32_t divr = s.rcc[(0x30 + 8 * n) / 4];
	static const unsigned pos[3] = {9, 16, 24}; /* PLLnDIVR P, Q, R */
	uint32_t d = ((divr >> pos[k % 3u]) & 0x7Fu) + 1u;
	return (uint32_t)(pll_vco_hz(n) / d);
}

/* The system clock (sys_ck) from SWS (HSI with HSIDIV, or PLL1 P). */
static uint32_t sys_hz(void)
{
	if (((s.rcc[0x10 / 4] >> 3) & 7u) == 3u)
		return pll_out_hz(0, 0);
	return 64000000u >> ((s.rcc[0] >> 3) & 3u);
}

static uint32_t prescaled(uint32_t hz, uint32_t pre)
{
	if (pre & 8u)
		hz >>= (pre & 7u) < 4u ? (pre & 7u) + 1u : (pre & 7u) + 2u;
	return hz;
}

/* CPU clock: sys_ck / D1CPRE (RCC_D1CFGR[11:8]). */
static uint32_t cpu_hz(void)
{
	return prescaled(sys_hz(), (s.rcc[0x18 / 4] >> 8) & 0xFu);
}

/* The AXI clock (ACLK = HCLK): CPU clock / HPRE (RCC_D1CFGR[3:0]). */
static uint32_t aclk_hz(void)
{
	return prescaled(cpu_hz(), s.rcc[0x18 / 4] & 0xFu);
}

static bool flash_row(uint32_t hz, unsigned vos, unsigned *ws, unsigned *wrhf)
{
	const struct line_limits *l = line();
	for (unsigned i = 0; i < sizeof(l->rows) / sizeof(l->rows[0]); i++)
		if (l->rows[i].max_mhz[vos] && hz <= l->rows[i].max_mhz[vos] * 1000000u) {
			*ws = l->rows[i].ws;
			*wrhf = l->rows[i].wrhf;
			return true;
		}
	return false;
}

/* Checked at every change of clock, VOS or ACR: the clocks within what the
 * VOS allows; the latency may be higher than the table's, never lower
 * (reads would return garbage); the programming delay never lower than the
 * clock needs (h7_sys_model_flash_acr_problem() wants it exact). */
static void check_flash_latency(void)
{
	const struct line_limits *l = line();
	unsigned ws = 0, wrhf = 0, vos = vos_now();
	uint32_t hz = aclk_hz(), cpu = cpu_hz();
	if (cpu > l->cpu_mhz[vos] * 1000000u)
		fail("%s: CPU clock %u MHz is above what VOS%u allows (%u MHz)", l->name,
		     (unsigned)(cpu / 1000000u), vos, l->cpu_mhz[vos]);
	if (hz > l->hclk_mhz[vos] * 1000000u || !flash_row(hz, vos, &ws, &wrhf)) {
		fail("%s: ACLK %u MHz is above what VOS%u allows", l->name,
		     (unsigned)(hz / 1000000u), vos);
		return;
	}
	if ((s.flash_acr & 0xFu) < ws)
		fail("%s: FLASH_ACR.LATENCY %u below %u for ACLK %u MHz at VOS%u", l->name,
		     s.flash_acr & 0xFu, ws, (unsigned)(hz / 1000000u), vos);
	if (((s.flash_acr >> 4) & 3u) < wrhf)
		fail("%s: FLASH_ACR.WRHIGHFREQ %u below %u for ACLK %u MHz at VOS%u", l->name,
		     (s.flash_acr >> 4) & 3u, wrhf, (unsigned)(hz / 1000000u), vos);
}

const char *h7_sys_model_flash_acr_problem(void)
{
	static char msg[120];
	unsigned ws = 0, wrhf = 0, vos = vos_now();
	uint32_t hz = aclk_hz();
	msg[0] = '\0';
	if (!flash_row(hz, vos, &ws, &wrhf))
		snprintf(msg, sizeof(msg), "ACLK %u Hz above VOS%u", (unsigned)hz, vos);
	else if ((s.flash_acr & 0xFu) < ws || ((s.flash_acr >> 4) & 3u) != wrhf)
		snprintf(msg, sizeof(msg),
		         "FLASH_ACR 0x%02x for ACLK %u MHz at VOS%u: table says LATENCY >= %u, "
		         "WRHIGHFREQ %u",
		         (unsigned)s.flash_acr, (unsigned)(hz / 1000000u), vos, ws, wrhf);
	return msg;
}

unsigned h7_sys_model_vos(void)
{
	return vos_now();
}

uint32_t h7_sys_model_cpu_hz(void)
{
	return cpu_hz();
}

uint32_t h7_sys_model_aclk_hz(void)
{
	return aclk_hz();
}

/* The OCTOSPI / QUADSPI kernel clock: RCC_D1CCIPR (RCC_CDCCIPR) [5:4]:
 * 0 HCLK, 1 PLL1Q, 2 PLL2R, 3 per_ck (HSI here). */
uint32_t h7_sys_model_ospi_kernel_hz(void)
{
	switch ((s.rcc[0x4C / 4] >> 4) & 3u) {
	case 1:
		return (s.rcc[0] & (1u << 24)) && now() >= s.pll1_at ? pll_out_hz(0, 1) : 0u;
	case 2:
		return (s.rcc[0] & (1u << 26)) ? pll_out_hz(1, 2) : 0u; /* PLL2RDY follows PLL2ON */
	case 3:
		return 64000000u;
	default:
		return aclk_hz();
	}
}

/* A PLL switched on: its reference range (PLLnRGE) and VCO range (VCOSEL)
 * must hold the real frequencies, DIVN the line's range (docs/clocks.md:
 * ST's LL PLL ranges, embassy's VCO_WIDE_RANGE per line). */
static void check_pll(unsigned n)
{
	const struct line_limits *l = line();
	uint32_t sel = s.rcc[0x28 / 4], m = (sel >> (4u + 8u * n)) & 0x3Fu;
	uint32_t cfg = s.rcc[0x2C / 4], divn = (s.rcc[(0x30 + 8 * n) / 4] & 0x1FFu) + 1u;
	uint32_t rge = (cfg >> (2u + 4u * n)) & 3u, medium = (cfg >> (1u + 4u * n)) & 1u;
	static const uint32_t ref_lo[4] = {1, 2, 4, 8}, ref_hi[4] = {2, 4, 8, 16};
	uint64_t vco = pll_vco_hz(n);
	uint32_t ref = m ? (64000000u >> ((s.rcc[0] >> 3) & 3u)) / m : 0u;
	if ((sel & 3u) != 0u) {
		fail("RCC: PLL%u from a source other than HSI (the model knows HSI only)", n + 1);
		return;
	}
	if (ref < ref_lo[rge] * 1000000u || ref > ref_hi[rge] * 1000000u)
		fail("RCC: PLL%u reference %u Hz outside PLL%uRGE %u", n + 1, (unsigned)ref, n + 1,
		     rge);
	if (divn < l->n_min || divn > l->n_max)
		fail("%s: PLL%u DIVN %u outside %u..%u", l->name, n + 1, (unsigned)divn, l->n_min,
		     l->n_max);
	uint64_t lo = medium ? 150u : l->vco_wide_min, hi = medium ? 420u : l->vco_wide_max;
	if (!medium && ref < 2000000u)
		fail("RCC: PLL%u wide VCO with a reference below 2 MHz", n + 1);
	if (vco < lo * 1000000u || vco > hi * 1000000u)
		fail("%s: PLL%u VCO %u MHz outside the %s range %u-%u MHz", l->name, n + 1,
		     (unsigned)(vco / 1000000u), medium ? "medium" : "wide", (unsigned)lo,
		     (unsigned)hi);
}

/* ---------------------------------------------------------------- RCC */

#define RCC_CR_PLLS_ON ((1u << 24) | (1u << 26) | (1u << 28))

/* RCC_PLLCKSELR (PLLSRC, DIVMx) may change only with every PLL off (ST's
 * stm32h7xx_hal_rcc.h, __HAL_RCC_PLL_PLLSOURCE_CONFIG: "must be used only
 * when all PLLs are disabled"; facts "Traps found by review" 8). */
static bool pllckselr_write_ok(uint32_t v)
{
	uint32_t old = s.rcc[0x28 / 4];
	if (v == old || !(s.rcc[0] & RCC_CR_PLLS_ON))
		return true;
	fail("RCC_PLLCKSELR changed (0x%08x -> 0x%08x) while a PLL is on (CR 0x%08x)", old, v,
	     s.rcc[0]);
	return false;
}

static uint32_t rcc_read(void *ctx, uint32_t off, unsigned w)
{
	(void)ctx;
	(void)w;
	if (s.st.chip_stopped)
		return 0;
	uint32_t v = s.rcc[off / 4];
	if (off == 0x00) {
		v &= ~((1u << 2) | (1u << 13) | (1u << 17) | (1u << 25));
		if (v & (1u << 0))
			v |= 1u << 2; /* HSIRDY */
		if ((v & (1u << 12)) && now() >= s.hsi48_at)
			v |= 1u << 13;
		if (v & (1u << 16))
			v |= 1u << 17;
		if ((v & (1u << 24)) && now() >= s.pll1_at && !s.cfg.pll_never_locks)
			v |= 1u << 25;
		v &= ~((1u << 27) | (1u << 29));
		v |= (v & ((1u << 26) | (1u << 28))) << 1; /* PLL2RDY, PLL3RDY */
		v &= ~(1u << 15);
		if (cm4_model_d2ckrdy((s.rcc[0xD8 / 4] & ((1u << 25) | (1u << 27))) != 0))
			v |= 1u << 15; /* D2CKRDY: the M4 or a D2 peripheral (USB) runs */
	}
	return v;
}

static uint32_t rcc_cr_write(uint32_t v, uint32_t old)
{
	if ((v & (1u << 12)) && !(old & (1u << 12)))
		s.hsi48_at = now() + T_HSI48_US;
	if ((v & (1u << 24)) && !(old & (1u << 24))) {
		s.pll1_at = now() + T_PLL_US;
		s.rcc[0] = v; /* the checks read CR's HSIDIV */
		check_pll(0);
	}
	if ((v & (1u << 26)) && !(old & (1u << 26))) {
		s.rcc[0] = v;
		check_pll(1);
	}
	if (!(v & (1u << 24)) && (s.rcc[0x10 / 4] & 7u) == 3u) {
		fail("RCC: PLL1 switched off while it clocks the system");
		v |= 1u << 24;
	}
	return v | 1u; /* HSI stays on in this model */
}

static uint32_t rcc_cfgr_write(uint32_t v)
{
	uint32_t sw = v & 7u;
	if (sw == 3u) {
		bool pll_ok =
		    (s.rcc[0] & (1u << 24)) && now() >= s.pll1_at && !s.cfg.pll_never_locks;
		if (!pll_ok)
			fail("RCC: SW = PLL1 before PLL1RDY");
		if (!vos_ready())
			fail("RCC: SW = PLL1 before VOSRDY (the voltage scale is still changing)");
		else if (vos_now() == 3u)
			fail("RCC: SW = PLL1 at VOS3 (raise the voltage scale first)");
		if (!pll_ok)
			sw = 0;
	}
	s.st.sysclk_pll = sw == 3u;
	return (v & ~0x3Fu) | sw | (sw << 3);
}

static void rcc_write(void *ctx, uint32_t off, uint32_t v, unsigned w)
{
	(void)ctx;
	(void)w;
	if (s.st.chip_stopped)
		return;
	if (off == 0x10 || off == 0x18 || off == 0x28 || off == 0x30 ||
	    (off == 0x00 && ((v ^ s.rcc[0]) & RCC_CR_PLLS_ON)))
		cm4_model_clock_touched("RCC clock configuration");
	if (off == 0x00)
		v = rcc_cr_write(v, s.rcc[0]);
	else if (off == 0x10)
		v = rcc_cfgr_write(v);
	else if (off == 0x28 && !pllckselr_write_ok(v))
		return;          /* ignored by the hardware */
	else if (off == RCC_RSR) /* flags read-only; RMVF clears and holds them */
		v = (v & RCC_RSR_RMVF) ? RCC_RSR_RMVF : s.rcc[RCC_RSR / 4] & ~RCC_RSR_RMVF;
	s.rcc[off / 4] = v;
	if (off == 0x00 || off == 0x10 || off == 0x18)
		check_flash_latency();
	s.st.usbsel = (s.rcc[0x54 / 4] >> 20) & 3u;
	s.st.ahb1enr = s.rcc[0xD8 / 4];
}

/* ---------------------------------------------------------------- PWR */

static uint32_t pwr_read(void *ctx, uint32_t off, unsigned w)
{
	(void)ctx;
	(void)w;
	if (s.st.chip_stopped)
		return 0;
	uint32_t v = s.pwr[off / 4];
	if (off == 0x04 && now() >= s.actvos_at)
		v |= 1u << 13; /* ACTVOSRDY */
	if (off == 0x18) {
		v &= ~(1u << 13);
		if (now() >= s.vos_at)
			v |= 1u << 13; /* VOSRDY */
	}
	if (off == 0x0C && (v & (1u << 24)))
		v |= 1u << 26; /* USB33RDY */
	return v;
}

static bool supply_ok(uint32_t bits)
{
	switch (s.cfg.wired) {
	case BOARD_SUPPLY_DIRECT_SMPS:
		return bits == 0x04u;
	case BOARD_SUPPLY_SMPS_1V8_SUPPLIES_LDO:
		return bits == 0x16u;
	case BOARD_SUPPLY_LDO:
	default:
		return bits == 0x02u;
	}
}

static void pwr_write(void *ctx, uint32_t off, uint32_t v, unsigned w)
{
	(void)ctx;
	(void)w;
	if (s.st.chip_stopped)
		return;
	if ((off == 0x0C && ((v ^ s.pwr[3]) & PWR_SUPPLY_MSK)) ||
	    (off == 0x18 && ((v ^ s.pwr[6]) & (3u << 14))))
		cm4_model_clock_touched("PWR supply / voltage scaling");
	if (off == 0x0C) {
		uint32_t cur = s.pwr[3] & PWR_SUPPLY_MSK, want = v & PWR_SUPPLY_MSK;
		if (want != cur) {
			if (cur != PWR_SUPPLY_RST) {
				fail("PWR_CR3: supply configuration written twice (0x%02x -> "
				     "0x%02x)",
				     cur, want);
				want = cur; /* locked until power-off */
			} else {
				s.st.supply_writes++;
				s.actvos_at = now() + T_VOS_US;
				if (!supply_ok(want)) {
					fail(
					    "PWR_CR3: supply 0x%02x does not match the board: chip "
					    "stopped",
					    want);
					s.st.chip_stopped = true;
				}
			}
		}
		v = (v & ~(PWR_SUPPLY_MSK | (1u << 26))) | want;
		s.st.cr3_supply = want;
	} else if (off == 0x18) {
		if ((v ^ s.pwr[6]) & (3u << 14))
			s.vos_at = now() + T_VOS_US;
		if (((v >> 14) & 3u) == 0u && s.cfg.family == BOARD_FAMILY_H74X)
			fail("PWR_D3CR.VOS 00 is reserved on the H74x (VOS0 is VOS1 + ODEN)");
		v &= ~(1u << 13);
	}
	s.pwr[off / 4] = v;
	if (off == 0x18)
		check_flash_latency();
}

/* ---------------------------------------------------------- CRS, FLASH */

static uint32_t crs_read(void *ctx, uint32_t off, unsigned w)
{
	(void)ctx;
	(void)w;
	return off < 16 ? s.crs[off / 4] : 0;
}

static void crs_write(void *ctx, uint32_t off, uint32_t v, unsigned w)
{
	(void)ctx;
	(void)w;
	if (off >= 16)
		return;
	if (!(s.rcc[0xEC / 4] & (1u << 1)))
		fail("CRS written with its clock (RCC_APB1HENR.CRSEN) off");
	if (off == 4 && (s.crs[0] & (1u << 5)))
		fail("CRS_CFGR written while CEN = 1");
	s.crs[off / 4] = v;
	s.st.crs_cr = s.crs[0];
	s.st.crs_cfgr = s.crs[1];
}

static uint32_t flash_read(void *ctx, uint32_t off, unsigned w)
{
	(void)ctx;
	(void)w;
	if (off == 0x1C) /* FLASH_OPTSR_CUR.BCM4 */
		return s.cfg.cm4.boots ? 1u << 22 : 0u;
	return off == 0 ? s.flash_acr : 0;
}

static void flash_write(void *ctx, uint32_t off, uint32_t v, unsigned w)
{
	(void)ctx;
	(void)w;
	if (off == 0) {
		s.flash_acr = v & 0x3Fu;
		s.st.flash_acr = s.flash_acr;
		check_flash_latency();
	}
}

/* ---------------------------------------------------------------- GPIO */

static uint32_t gpio_read(void *ctx, uint32_t off, unsigned w)
{
	(void)ctx;
	(void)w;
	unsigned port = off / 0x400, r = (off % 0x400) / 4;
	if (port >= 11 || r >= 10)
		return 0;
	if (!(s.rcc[0xE0 / 4] & (1u << port)))
		fail("GPIO%c read with its clock off", 'A' + port);
	if (r == 4)
		return s.gpio_in[port];
	return s.gpio[port][r];
}

static void gpio_write(void *ctx, uint32_t off, uint32_t v, unsigned w)
{
	(void)ctx;
	(void)w;
	unsigned port = off / 0x400, r = (off % 0x400) / 4;
	if (port >= 11 || r >= 10)
		return;
	if (!(s.rcc[0xE0 / 4] & (1u << port)))
		fail("GPIO%c written with its clock off", 'A' + port);
	if (r == 6) { /* BSRR */
		s.gpio[port][5] |= v & 0xFFFFu;
		s.gpio[port][5] &= ~(v >> 16);
		return;
	}
	s.gpio[port][r] = v;
}

/* ---------------------------------------------------------------- UID */

static uint32_t uid_read(void *ctx, uint32_t off, unsigned w)
{
	(void)ctx;
	(void)w;
	uint32_t v = 0;
	for (unsigned i = 0; i < 4 && off + i < 12; i++)
		v |= (uint32_t)s.cfg.uid[off + i] << (8 * i);
	return v;
}

static void uid_write(void *ctx, uint32_t off, uint32_t v, unsigned w)
{
	(void)ctx;
	(void)v;
	(void)w;
	fail("UID is read-only (write at +0x%x)", off);
}

/* ---------------------------------------------------------------- RTC */

/* An access to a backup-domain block (RTC backup registers, backup SRAM):
 * its clock must be on, and a write needs PWR_CR1.DBP; otherwise the
 * access is lost (a read gives 0) and counted as an error. */
struct backup_block {
	const char *name, *clock;
	uint32_t enr, bit;
};

static const struct backup_block rtc_blk = {"RTC", "RCC_APB4ENR.RTCAPBEN", RCC_APB4ENR,
                                            RTC_APB_CLOCK};
static const struct backup_block bkpsram_blk = {"backup SRAM", "RCC_AHB4ENR.BKPRAMEN", RCC_AHB4ENR,
                                                BKPRAM_CLOCK};

static bool backup_access(const struct backup_block *b, bool write, uint32_t off)
{
	if (!(s.rcc[b->enr / 4] & b->bit)) {
		fail("%s %s at +0x%x with %s off", b->name, write ? "write" : "read", off,
		     b->clock);
		return false;
	}
	if (write && !(s.pwr[0] & PWR_CR1_DBP)) {
		fail("%s write at +0x%x with PWR_CR1.DBP = 0: ignored (backup domain protected)",
		     b->name, off);
		return false;
	}
	return true;
}

static uint32_t rtc_read(void *ctx, uint32_t off, unsigned w)
{
	(void)ctx;
	(void)w;
	if (!backup_access(&rtc_blk, false, off))
		return 0;
	return off == RTC_BKP0R ? s.bkp0r : 0;
}

static void rtc_write(void *ctx, uint32_t off, uint32_t v, unsigned w)
{
	(void)ctx;
	(void)w;
	if (!backup_access(&rtc_blk, true, off))
		return;
	if (off != RTC_BKP0R || v == s.bkp0r)
		return;
	if (s.bkp0r)
		s.bkp0r_held_us = now() - s.bkp0r_set_at;
	s.bkp0r = v;
	s.bkp0r_set_at = now();
}

uint32_t h7_sys_model_rtc_bkp0r(void)
{
	return s.bkp0r;
}

uint64_t h7_sys_model_bkp0r_held_us(void)
{
	return s.bkp0r_held_us;
}

/* ------------------------------------------------------- backup SRAM */
/* 4 KiB at 0x38800000 (RM0433 memory map): needs RCC_AHB4ENR.BKPRAMEN for
 * any access and PWR_CR1.DBP for writes (backup domain); kept across
 * resets like the RTC backup registers. */

static uint32_t bkpsram_read(void *ctx, uint32_t off, unsigned w)
{
	(void)ctx;
	(void)w;
	return backup_access(&bkpsram_blk, false, off) ? s.bkpsram[off / 4] : 0;
}

static void bkpsram_write(void *ctx, uint32_t off, uint32_t v, unsigned w)
{
	(void)ctx;
	(void)w;
	if (backup_access(&bkpsram_blk, true, off))
		s.bkpsram[off / 4] = v;
}

uint32_t h7_sys_model_bkpsram(uint32_t off)
{
	return s.bkpsram[(off % BKPSRAM_SIZE) / 4];
}

/* SYSCFG: only PWRCR (0x2C) ODEN, the H74x's VOS0 boost; the register
 * does not exist on the H72x/H73x and H7A3/B3/B0 (ST's HAL sets ODEN only
 * under SYSCFG_PWRCR_ODEN, defined for the H74x/H75x). */
static uint32_t syscfg_read(void *ctx, uint32_t off, unsigned w)
{
	(void)ctx;
	(void)w;
	return off == 0x2C ? s.syscfg_pwrcr : 0u;
}

static void syscfg_write(void *ctx, uint32_t off, uint32_t v, unsigned w)
{
	(void)ctx;
	(void)w;
	if (off != 0x2C)
		return;
	if ((v & 1u) && s.cfg.family != BOARD_FAMILY_H74X) {
		fail("%s: SYSCFG_PWRCR.ODEN written: there is no ODEN on this line", line()->name);
		return;
	}
	s.syscfg_pwrcr = v & 1u;
}

static const struct mmio_model_ops syscfg_ops = {syscfg_read, syscfg_write};
static const struct mmio_model_ops bkpsram_ops = {bkpsram_read, bkpsram_write};
static const struct mmio_model_ops rcc_ops = {rcc_read, rcc_write};
static const struct mmio_model_ops rtc_ops = {rtc_read, rtc_write};
static const struct mmio_model_ops pwr_ops = {pwr_read, pwr_write};
static const struct mmio_model_ops crs_ops = {crs_read, crs_write};
static const struct mmio_model_ops flash_ops = {flash_read, flash_write};
static const struct mmio_model_ops gpio_ops = {gpio_read, gpio_write};
static const struct mmio_model_ops uid_ops = {uid_read, uid_write};

int h7_sys_model_init(const struct h7_sys_config *cfg)
{
	memset(&s, 0, sizeof(s));
	s.cfg = *cfg;
	s.rcc[0] = 0x5u;                 /* HSION, HSIRDY */
	s.flash_acr = line()->acr_reset; /* H74x: 7 WS, WRHIGHFREQ 3 */
	s.pwr[3] = PWR_SUPPLY_RST;       /* CR3 */
	/* VOS3: D3CR 01 on H74x/H72x; SRDCR 00 on H7A3/B0/B3 (RM0455 reset
	 * value: UNVERIFIED) */
	s.pwr[6] = cfg->family == BOARD_FAMILY_H7AB ? 0u : 1u << 14;
	s.crs[1] = 0x2022BB7Fu;        /* CFGR reset: SYNCSRC 2 (USB1 SOF) */
	s.rcc[0x28 / 4] = 0x02020200u; /* PLLCKSELR reset: DIVMx 32, PLLSRC HSI */
	s.rcc[0x30 / 4] = 0x01010280u; /* PLL1DIVR reset */
	if (cfg->pll3_left_on) {
		s.rcc[0] |= 1u << 28;  /* PLL3ON, from HSE */
		s.rcc[0x28 / 4] |= 2u; /* PLLSRC = HSE */
	}
	if (cfg->supply_preconfigured) {
		s.pwr[3] = cfg->wired == BOARD_SUPPLY_DIRECT_SMPS             ? 0x04u
		           : cfg->wired == BOARD_SUPPLY_SMPS_1V8_SUPPLIES_LDO ? 0x16u
		                                                              : 0x02u;
	}
	s.rcc[RCC_RSR / 4] = cfg->rcc_rsr & ~RCC_RSR_RMVF;
	s.bkp0r = cfg->rtc_bkp0r;
	memcpy(s.bkpsram, cfg->bkpsram, sizeof(cfg->bkpsram));
	s.st.cr3_supply = s.pwr[3] & PWR_SUPPLY_MSK;
	s.st.flash_acr = s.flash_acr;
	s.st.crs_cfgr = s.crs[1];
	int rc = 0;
	rc |= mmio_register(RCC_BASE, 0x400, &rcc_ops, NULL);
	rc |= mmio_register(PWR_BASE, 0x400, &pwr_ops, NULL);
	rc |= mmio_register(CRS_BASE, 0x400, &crs_ops, NULL);
	rc |= mmio_register(FLASH_BASE, 0x400, &flash_ops, NULL);
	rc |= mmio_register(SYSCFG_BASE, 0x400, &syscfg_ops, NULL);
	rc |= mmio_register(GPIO_BASE, 11 * 0x400, &gpio_ops, NULL);
	rc |= scs_model_init(); /* the Cortex-M7 system control space */
	rc |= mmio_register(UID_BASE, 12, &uid_ops, NULL);
	rc |= mmio_register(RTC_BASE, 0x400, &rtc_ops, NULL);
	rc |= mmio_register(BKPSRAM_BASE, BKPSRAM_SIZE, &bkpsram_ops, NULL);
	rc |= cm4_model_init(&cfg->cm4, fail_msg);
	return rc ? -1 : 0;
}

const struct h7_sys_stats *h7_sys_model_stats(void)
{
	return &s.st;
}

void h7_sys_model_set_input(unsigned port, unsigned pin, bool high)
{
	if (port < 11 && pin < 16) {
		s.gpio_in[port] &= ~(1u << pin);
		s.gpio_in[port] |= (uint32_t)high << pin;
	}
}

bool h7_sys_model_output(unsigned port, unsigned pin)
{
	return port < 11 && pin < 16 && ((s.gpio[port][5] >> pin) & 1u);
}

unsigned h7_sys_model_pin_mode(unsigned port, unsigned pin)
{
	return port < 11 && pin < 16 ? (s.gpio[port][0] >> (2 * pin)) & 3u : 0;
}

unsigned h7_sys_model_pin_af(unsigned port, unsigned pin)
{
	return port < 11 && pin < 16 ? (s.gpio[port][8 + pin / 8] >> (4 * (pin % 8))) & 0xFu : 0;
}

bool h7_sys_model_open_drain(unsigned port, unsigned pin)
{
	return port < 11 && pin < 16 && ((s.gpio[port][1] >> pin) & 1u);
}

uint32_t h7_sys_model_rcc(uint32_t off)
{
	return off < 0x100u ? s.rcc[off / 4] : 0u;
}

bool h7_sys_model_take_reset(void)
{
	return scs_model_take_reset();
}
