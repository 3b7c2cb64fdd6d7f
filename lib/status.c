/* status.c - names of the library's status codes. */
#include "brief_status.h"

const char *brief_status_str(brief_status_t status)
{
    switch (status) {
    case BRIEF_OK: return "ok";
    case BRIEF_ERR_NOMEM: return "out of memory";
    case BRIEF_ERR_IO: return "i/o error";
    case BRIEF_ERR_FULL: return "disk full";
    case BRIEF_ERR_PARSE: return "parse error";
    case BRIEF_ERR_INVALID: return "invalid argument";
    case BRIEF_ERR_NOT_INDEX: return "not a briefing index";
    case BRIEF_ERR_VERSION: return "wrong index schema version";
    case BRIEF_ERR_LOCKED: return "index is locked by another indexer";
    case BRIEF_ERR_CORRUPT: return "index failed its integrity check";
    case BRIEF_ERR_LIMIT: return "resource limit exceeded";
    case BRIEF_ERR_SQLITE: return "sqlite error";
    }
    return "unknown status";
}
