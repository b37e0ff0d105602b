/* SPDX-License-Identifier: MIT */
#ifndef QDFU_COMMON_COMPILER_H
#define QDFU_COMMON_COMPILER_H

#include <assert.h>
#include <stdint.h>

#define QDFU_ARRAY_SIZE(a)            (sizeof(a) / sizeof((a)[0]))
#define QDFU_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#define QDFU_MIN(a, b)                ((a) < (b) ? (a) : (b))
#define QDFU_MAX(a, b)                ((a) > (b) ? (a) : (b))
#define QDFU_UNUSED(x)                ((void)(x))

static inline uint16_t qdfu_get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t qdfu_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static inline void qdfu_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void qdfu_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t qdfu_min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* Wrap-safe "deadline reached" for a free-running millisecond counter. */
static inline int qdfu_time_reached(uint32_t now, uint32_t deadline)
{
	return (int32_t)(now - deadline) >= 0;
}

#endif
