/* date.c - ISO 8601 dates as day numbers, and the day a briefing ranks by. */
#include <stddef.h>
#include <string.h>

#include "brief_doc.h"

/* Reads exactly n ASCII digits from *p into *value and advances *p. */
static int read_digits(const char **p, int n, int *value)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return 0;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *value = v;
    return 1;
}

static int is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && is_leap(year))
        return 29;
    return days[month - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil); valid for any year the parser accepts (0000-9999). */
static long days_from_civil(int year, int month, int day)
{
    long y = (long)year - (month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long mp = (month + 9) % 12;
    long doy = (153 * mp + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

/* The year of a day since 1970-01-01: the inverse of days_from_civil's
 * year (Howard Hinnant's civil_from_days). */
int brief_date_year_of_day(long day)
{
    long z = day + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;

    return (int)(yoe + era * 400 + (mp >= 10));
}

/* The optional time part after the date: [T ]HH:MM(:SS(.frac)?)?(Z|+-HH:?MM)?
 * as the schema's pattern has it, with hours, minutes and seconds in range
 * (a leap second :60 is allowed). */
static int valid_time(const char *p)
{
    int hh, mm, ss;

    if (*p != 'T' && *p != ' ')
        return 0;
    p++;
    if (!read_digits(&p, 2, &hh) || *p++ != ':' || !read_digits(&p, 2, &mm))
        return 0;
    if (hh > 23 || mm > 59)
        return 0;
    if (*p == ':') {
        p++;
        if (!read_digits(&p, 2, &ss) || ss > 60)
            return 0;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9')
                return 0;
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        p++;
        if (!read_digits(&p, 2, &hh) || hh > 23)
            return 0;
        if (*p == ':')
            p++;
        if (!read_digits(&p, 2, &mm) || mm > 59)
            return 0;
    }
    return *p == '\0';
}

int brief_date_parse(const char *text, long *day)
{
    const char *p = text;
    int year, month = 1, mday = 1;

    if (text == NULL || !read_digits(&p, 4, &year))
        return 0;
    if (*p == '-') {
        p++;
        if (!read_digits(&p, 2, &month) || month < 1 || month > 12)
            return 0;
        if (*p == '-') {
            p++;
            if (!read_digits(&p, 2, &mday) || mday < 1
                || mday > days_in_month(year, month))
                return 0;
            if (*p != '\0' && !valid_time(p))
                return 0;
        } else if (*p != '\0') {
            return 0;
        }
    } else if (*p != '\0') {
        return 0;
    }
    if (day != NULL)
        *day = days_from_civil(year, month, mday);
    return 1;
}

int brief_date_is_full(const char *text)
{
    return text != NULL && strlen(text) >= 10 && text[4] == '-' && text[7] == '-'
           && brief_date_parse(text, NULL);
}

long brief_date_to_day(const char *text)
{
    long day;

    return brief_date_parse(text, &day) ? day : -1;
}

long brief_doc_day(const brief_doc_t *doc)
{
    long published, updated;
    int has_published, has_updated;

    if (doc == NULL)
        return -1;
    has_published = brief_date_parse(doc->published, &published);
    has_updated = brief_date_parse(doc->updated, &updated);
    if (has_published && has_updated)
        return updated > published ? updated : published;
    if (has_published)
        return published;
    if (has_updated)
        return updated;
    return -1;
}
