/**
 * The limits that hold for every file and every command line, in one place: what meds accepts is
 * bounded so that every command runs in bounded time and memory (docs/reliability.md, docs/format.md).
 */

/**
 * The most doses a schedule may have in one day: one every 15 minutes. Hourly eye drops
 * (day and night) are 24; nothing a person records by hand comes near 96. A denser schedule
 * (`every: 1min` is 1,440 a day) makes a year of doses half a million objects.
 */
export const MAX_DOSES_PER_DAY = 96;

/** The longest period a command looks at (`--days`, `--from`..`--to`): 100 years, a lifetime of records. */
export const MAX_PERIOD_DAYS = 36_600;
