/* SPDX-License-Identifier: MIT */
/*
 * Cortex-M7 system control space: SysTick, NVIC, SCB (with the cache
 * maintenance registers), FPU access control, MPU. ARMv7-M ARM names.
 * Shared by both halves of the port (part 2 uses the cache/MPU parts).
 */
#ifndef QDFU_PORT_STM32H7_REGS_SCB_H
#define QDFU_PORT_STM32H7_REGS_SCB_H

#include <stddef.h>
#include <stdint.h>

#define SYSTICK_BASE   0xE000E010u
#define NVIC_BASE      0xE000E100u
#define SCB_BASE       0xE000ED00u
#define MPU_BASE       0xE000ED90u
#define SCB_CACHE_BASE 0xE000EF50u
#define CPACR_ADDR     0xE000ED88u

struct systick_regs {
	volatile uint32_t CSR;   /* 0x00 SYST_CSR */
	volatile uint32_t RVR;   /* 0x04 SYST_RVR */
	volatile uint32_t CVR;   /* 0x08 SYST_CVR */
	volatile uint32_t CALIB; /* 0x0C */
};
_Static_assert(offsetof(struct systick_regs, CVR) == 0x08, "SYST_CVR");

#define SYST_CSR_ENABLE    (1u << 0)
#define SYST_CSR_TICKINT   (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2) /* processor clock */
#define SYST_CSR_COUNTFLAG (1u << 16)
#define SYST_RVR_MAX       0x00FFFFFFu

struct nvic_regs {
	volatile uint32_t ISER[8]; /* 0x000 */
	volatile uint32_t RESERVED0[24];
	volatile uint32_t ICER[8]; /* 0x080 */
	volatile uint32_t RESERVED1[24];
	volatile uint32_t ISPR[8]; /* 0x100 */
	volatile uint32_t RESERVED2[24];
	volatile uint32_t ICPR[8]; /* 0x180 */
	volatile uint32_t RESERVED3[24];
	volatile uint32_t IABR[8]; /* 0x200 */
	volatile uint32_t RESERVED4[56];
	volatile uint8_t IPR[240]; /* 0x300 */
};
_Static_assert(offsetof(struct nvic_regs, ICER) == 0x080, "NVIC_ICER");
_Static_assert(offsetof(struct nvic_regs, ICPR) == 0x180, "NVIC_ICPR");
_Static_assert(offsetof(struct nvic_regs, IPR) == 0x300, "NVIC_IPR");

struct scb_regs {
	volatile uint32_t CPUID;      /* 0x00 */
	volatile uint32_t ICSR;       /* 0x04 */
	volatile uint32_t VTOR;       /* 0x08 */
	volatile uint32_t AIRCR;      /* 0x0C */
	volatile uint32_t SCR;        /* 0x10 */
	volatile uint32_t CCR;        /* 0x14 */
	volatile uint8_t SHPR[12];    /* 0x18 */
	volatile uint32_t SHCSR;      /* 0x24 */
	volatile uint32_t CFSR;       /* 0x28 */
	volatile uint32_t HFSR;       /* 0x2C */
	volatile uint32_t DFSR;       /* 0x30 */
	volatile uint32_t MMFAR;      /* 0x34 */
	volatile uint32_t BFAR;       /* 0x38 */
	volatile uint32_t AFSR;       /* 0x3C */
	volatile uint32_t ID_PFR[2];  /* 0x40 */
	volatile uint32_t ID_DFR;     /* 0x48 */
	volatile uint32_t ID_AFR;     /* 0x4C */
	volatile uint32_t ID_MMFR[4]; /* 0x50 */
	volatile uint32_t ID_ISAR[5]; /* 0x60 */
	volatile uint32_t RESERVED0;  /* 0x74 */
	volatile uint32_t CLIDR;      /* 0x78 */
	volatile uint32_t CTR;        /* 0x7C */
	volatile uint32_t CCSIDR;     /* 0x80 */
	volatile uint32_t CSSELR;     /* 0x84 */
	volatile uint32_t CPACR;      /* 0x88 */
};
_Static_assert(offsetof(struct scb_regs, VTOR) == 0x08, "SCB_VTOR");
_Static_assert(offsetof(struct scb_regs, AIRCR) == 0x0C, "SCB_AIRCR");
_Static_assert(offsetof(struct scb_regs, CCR) == 0x14, "SCB_CCR");
_Static_assert(offsetof(struct scb_regs, CFSR) == 0x28, "SCB_CFSR");
_Static_assert(offsetof(struct scb_regs, CCSIDR) == 0x80, "SCB_CCSIDR");
_Static_assert(offsetof(struct scb_regs, CPACR) == 0x88, "SCB_CPACR");
_Static_assert(SCB_BASE + offsetof(struct scb_regs, CPACR) == CPACR_ADDR, "CPACR address");

#define SCB_AIRCR_VECTKEY        (0x05FAu << 16)
#define SCB_AIRCR_SYSRESETREQ    (1u << 2)
#define SCB_ICSR_PENDSTCLR       (1u << 25)
#define SCB_ICSR_PENDSVCLR       (1u << 27)
#define SCB_CCR_BFHFNMIGN        (1u << 8)
#define SCB_CFSR_MMARVALID       (1u << 7)
#define SCB_CFSR_PRECISERR       (1u << 9)
#define SCB_CFSR_IMPRECISERR     (1u << 10)
#define SCB_CFSR_BFARVALID       (1u << 15)
#define SCB_CFSR_BUS_ALL         (0xFFu << 8) /* BFSR, write 1 to clear */
#define SCB_HFSR_FORCED          (1u << 30)
#define SCB_CCR_DC               (1u << 16)
#define SCB_CCR_IC               (1u << 17)
#define SCB_CPACR_CP10_CP11_FULL (0xFu << 20)

/* Cache maintenance operations (write-only), at 0xE000EF50. */
struct scb_cache_regs {
	volatile uint32_t ICIALLU; /* 0x00 (0xEF50) */
	volatile uint32_t RESERVED0;
	volatile uint32_t ICIMVAU;  /* 0x08 */
	volatile uint32_t DCIMVAC;  /* 0x0C */
	volatile uint32_t DCISW;    /* 0x10 */
	volatile uint32_t DCCMVAU;  /* 0x14 */
	volatile uint32_t DCCMVAC;  /* 0x18 */
	volatile uint32_t DCCSW;    /* 0x1C */
	volatile uint32_t DCCIMVAC; /* 0x20 */
	volatile uint32_t DCCISW;   /* 0x24 */
};
_Static_assert(offsetof(struct scb_cache_regs, DCIMVAC) == 0x0C, "DCIMVAC at 0xE000EF5C");
_Static_assert(offsetof(struct scb_cache_regs, DCCISW) == 0x24, "DCCISW at 0xE000EF74");

struct mpu_regs {
	volatile uint32_t TYPE; /* 0x00 (0xED90) */
	volatile uint32_t CTRL; /* 0x04 */
	volatile uint32_t RNR;  /* 0x08 */
	volatile uint32_t RBAR; /* 0x0C */
	volatile uint32_t RASR; /* 0x10 */
};
_Static_assert(offsetof(struct mpu_regs, RASR) == 0x10, "MPU_RASR at 0xE000EDA0");

#define MPU_CTRL_ENABLE     (1u << 0)
#define MPU_CTRL_PRIVDEFENA (1u << 2)
#define MPU_RASR_ENABLE     (1u << 0)
#define MPU_RASR_SIZE_Pos   1
#define MPU_RASR_SRD_Pos    8
#define MPU_RASR_B          (1u << 16)
#define MPU_RASR_C          (1u << 17)
#define MPU_RASR_S          (1u << 18)
#define MPU_RASR_TEX_Pos    19
#define MPU_RASR_AP_Pos     24
#define MPU_RASR_XN         (1u << 28)

/* STM32H74x/H75x interrupt numbers used by the port. */
#define IRQN_OTG_HS  77
#define IRQN_OTG_FS  101
#define H7_IRQ_COUNT 150

#endif
