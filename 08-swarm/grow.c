/*
 * grow.c - an array that grows by doubling, its new room zeroed (grow.h).
 */
#include "grow.h"
#include "error.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int grow_array(void **array, size_t *capacity, size_t needed, size_t size, const char *what)
{
	if (needed <= *capacity)
		return 0;
	size_t fresh = *capacity ? *capacity : 16;
	while (fresh < needed) {
		if (fresh > SIZE_MAX / 2)
			return fail_errno(ENOMEM, "cannot grow %s to %zu entries", what, needed);
		fresh *= 2;
	}
	if (fresh > SIZE_MAX / size)
		return fail_errno(ENOMEM, "cannot grow %s to %zu entries", what, needed);
	void *grown = realloc(*array, fresh * size);
	if (!grown)
		return fail_errno(ENOMEM, "cannot grow %s to %zu entries", what, needed);
	memset((char *)grown + *capacity * size, 0, (fresh - *capacity) * size);
	*array = grown;
	*capacity = fresh;
	return 0;
}
