-- The data standards of SOURCES.md in SQL, twins of hubei_data/contracts/standards.py.
--
-- dbt models validate millions of rows with these, so every function is a single
-- expression that the planner inlines into the query (no pl/pgsql, no exception blocks),
-- and none of them raises on any input: a value that is not valid becomes null or false.
-- Guards sit in case conditions because only case fixes the order of evaluation.
-- Re-runnable: hubei_data.contracts.sql.install_standards runs this under an advisory lock.

create schema if not exists std;

comment on schema std is 'Data standards of SOURCES.md (twins of hubei_data/contracts/standards.py).';

-- Python's str.strip() removes these after NFKC; NFKC has already turned no-break,
-- ideographic and other typographic spaces into a plain space.
create or replace function std.clean(value text) returns text
language sql immutable parallel safe
return nullif(
    btrim(
        normalize(value, nfkc),
        e' \t\n\u000b\f\r\u001c\u001d\u001e\u001f\u0085\u1680\u2028\u2029'
    ),
    ''
);

comment on function std.clean(text) is 'NFKC, trimmed, blank as null: standardise(v).';

-- pg_unicode_fast gives Python's full case mapping (ß to SS) whatever the database locale.
create or replace function std.clean_code(value text) returns text
language sql immutable parallel safe
return upper(std.clean(value) collate pg_unicode_fast);

comment on function std.clean_code(text) is 'std.clean, upper-cased: standardise(v, code=True).';

create or replace function std.try_make_date(y integer, m integer, d integer) returns date
language sql immutable parallel safe
return case
    when
        y between 1 and 9999
        and m between 1 and 12
        and d between 1 and case
            when m = 2 and y % 4 = 0 and (y % 100 <> 0 or y % 400 = 0) then 29
            when m = 2 then 28
            when m in (4, 6, 9, 11) then 30
            else 31
        end
        then make_date(y, m, d)
end;

comment on function std.try_make_date(integer, integer, integer) is
'The calendar date, or null when there is none (2023-02-29, month 13); make_date would raise.';

create or replace function std.parse_date(value text) returns date
language sql immutable strict parallel safe
return case
    when value ~ '^[0-9]{8}$'
        then std.try_make_date(
            substr(value, 1, 4)::integer,
            substr(value, 5, 2)::integer,
            substr(value, 7, 2)::integer
        )
    when value ~ '^[0-9]{4}([-/][0-9]{1,2}[-/][0-9]{1,2}|年[0-9]{1,2}月[0-9]{1,2}日)$'
        then std.try_make_date(
            split_part(translate(value, '/年月日', '---'), '-', 1)::integer,
            split_part(translate(value, '/年月日', '---'), '-', 2)::integer,
            split_part(translate(value, '/年月日', '---'), '-', 3)::integer
        )
end;

comment on function std.parse_date(text) is
'YYYY-MM-DD, YYYY/M/D, YYYYMMDD or YYYY年M月D日 as a date, else null: parse_date(v).';

create or replace function std.try_make_time(h integer, m integer, s integer) returns time
language sql immutable parallel safe
return case
    when h between 0 and 23 and m between 0 and 59 and s between 0 and 59
        then make_time(h, m, s)
end;

comment on function std.try_make_time(integer, integer, integer) is
'The time of day, or null when there is none (24:00, 10:60); make_time would raise.';

-- Seconds' fractions are dropped, not rounded, as in Python.
create or replace function std.parse_timestamp(value text) returns timestamp
language sql immutable strict parallel safe
return case
    when value ~ '^[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}[T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?$'
        then std.parse_date(split_part(translate(value, 'T', ' '), ' ', 1))
        + std.try_make_time(
            split_part(split_part(translate(value, 'T', ' '), ' ', 2), ':', 1)::integer,
            split_part(split_part(translate(value, 'T', ' '), ' ', 2), ':', 2)::integer,
            coalesce(
                nullif(split_part(split_part(split_part(translate(value, 'T', ' '), ' ', 2), ':', 3), '.', 1), '')::integer,
                0
            )
        )
    else std.parse_date(value)::timestamp
end;

comment on function std.parse_timestamp(text) is
'An agreed date, optionally with HH:MM[:SS[.f]] after T or a space, else null: parse_timestamp(v).';

-- Leading zeros are allowed ('007'); the numeric comparison keeps bigint's cast from raising.
create or replace function std.parse_integer(value text) returns bigint
language sql immutable strict parallel safe
return case
    when value ~ '^[+-]?0*[0-9]{1,19}$'
        then case
            when value::numeric between -9223372036854775808 and 9223372036854775807
                then value::bigint
        end
end;

comment on function std.parse_integer(text) is
'Optional sign and digits within bigint (3, -1, +2, 007), else null (3.0, 1e3, 1 000).';

-- '.5' is accepted because Oracle's to_char writes fractions that way; 1000 characters
-- keeps numeric's own limits out of reach.
create or replace function std.parse_decimal(value text) returns numeric
language sql immutable strict parallel safe
return case
    when length(value) <= 1000 and value ~ '^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$'
        then value::numeric
end;

comment on function std.parse_decimal(text) is
'Optional sign, digits and one decimal point (12, 12.50, -0.5, .5, 5.), else null (1,200, 1e3).';

create or replace function std.uscc_check_char(code text) returns text
language sql immutable parallel safe
return substr(
    '0123456789ABCDEFGHJKLMNPQRTUWXY',
    1 + (31 - (
        (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 1, 1)) - 1) * 1
        + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 2, 1)) - 1) * 3
        + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 3, 1)) - 1) * 9
        + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 4, 1)) - 1) * 27
        + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 5, 1)) - 1) * 19
        + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 6, 1)) - 1) * 26
        + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 7, 1)) - 1) * 16
        + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 8, 1)) - 1) * 17
        + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 9, 1)) - 1) * 20
        + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 10, 1)) - 1) * 29
        + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 11, 1)) - 1) * 25
        + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 12, 1)) - 1) * 13
        + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 13, 1)) - 1) * 8
        + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 14, 1)) - 1) * 24
        + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 15, 1)) - 1) * 10
        + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 16, 1)) - 1) * 30
        + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 17, 1)) - 1) * 28
    ) % 31) % 31,
    1
);

comment on function std.uscc_check_char(text) is
'The GB 32100-2015 check character of the first 17 characters (meaningful only for the 31-character set).';

create or replace function std.uscc_valid(code text) returns boolean
language sql immutable strict parallel safe
return case
    when code is null then null
    when code ~ '^[0123456789ABCDEFGHJKLMNPQRTUWXY]{18}$'
        then substr(code, 18, 1) = std.uscc_check_char(code)
    else false
end;

comment on function std.uscc_valid(text) is
'GB 32100-2015: 18 characters of the 31-character set with a valid check character: uscc_valid(v).';

create or replace function std.resident_id_check_digit(number text) returns text
language sql immutable parallel safe
return substr(
    '10X98765432',
    1 + (
        (ascii(substr(number, 1, 1)) - 48) * 7
        + (ascii(substr(number, 2, 1)) - 48) * 9
        + (ascii(substr(number, 3, 1)) - 48) * 10
        + (ascii(substr(number, 4, 1)) - 48) * 5
        + (ascii(substr(number, 5, 1)) - 48) * 8
        + (ascii(substr(number, 6, 1)) - 48) * 4
        + (ascii(substr(number, 7, 1)) - 48) * 2
        + (ascii(substr(number, 8, 1)) - 48) * 1
        + (ascii(substr(number, 9, 1)) - 48) * 6
        + (ascii(substr(number, 10, 1)) - 48) * 3
        + (ascii(substr(number, 11, 1)) - 48) * 7
        + (ascii(substr(number, 12, 1)) - 48) * 9
        + (ascii(substr(number, 13, 1)) - 48) * 10
        + (ascii(substr(number, 14, 1)) - 48) * 5
        + (ascii(substr(number, 15, 1)) - 48) * 8
        + (ascii(substr(number, 16, 1)) - 48) * 4
        + (ascii(substr(number, 17, 1)) - 48) * 2
    ) % 11,
    1
);

comment on function std.resident_id_check_digit(text) is
'The GB 11643-1999 MOD 11-2 check digit of the first 17 digits (meaningful only for digits).';

create or replace function std.resident_id_birth_date(number text) returns date
language sql immutable strict parallel safe
return case
    when length(number) = 18 and substr(number, 7, 8) ~ '^[0-9]{8}$'
        then std.try_make_date(
            substr(number, 7, 4)::integer,
            substr(number, 11, 2)::integer,
            substr(number, 13, 2)::integer
        )
end;

comment on function std.resident_id_birth_date(text) is
'The birth date in characters 7-14 of an 18-character ID number, or null when it is not a date.';

create or replace function std.resident_id_valid(number text) returns boolean
language sql immutable strict parallel safe
return case
    when number is null then null
    when number ~ '^[0-9]{17}[0-9X]$'
        then substr(number, 18, 1) = std.resident_id_check_digit(number)
        and std.resident_id_birth_date(number) is not null
    else false
end;

comment on function std.resident_id_valid(text) is
'GB 11643-1999: 17 digits, a MOD 11-2 check digit and a real birth date: resident_id_valid(v).';
