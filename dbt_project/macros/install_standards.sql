{#- Generated from hubei_data/contracts/standards.sql and masking.sql by `hubei-data contracts generate`; do not edit. -#}
{% macro install_standards() -%}
select pg_advisory_xact_lock(hashtext('hubei_data.std'));
{% raw %}
-- The data standards of the interface (docs/sources.md) in SQL, twins of hubei_data/contracts/standards.py.
--
-- dbt models validate millions of rows with these, so none raises on any input (a value
-- that is not valid becomes null or false) and none uses an exception block. Functions
-- that read their argument once are `language sql` and the planner inlines them. Those
-- that read it many times are pl/pgsql: inlined sql would copy an argument such as
-- std.clean(x) into every use, because the planner prices normalize() and regular
-- expressions as cheap, and a sql function that is not inlined costs 15-25 us a call
-- against pl/pgsql's 0.5 us. Regular expressions cost 1-2 us a match in PostgreSQL, so
-- formats are checked through the separators left once translate() drops the digits.
-- Re-runnable: hubei_data.contracts.sql.install_standards runs it under an advisory lock.

create schema if not exists std;

comment on schema std is 'Data standards of the interface, docs/sources.md (twins of hubei_data/contracts/standards.py).';

-- Python's str.strip() removes these after NFKC; NFKC has already turned no-break,
-- ideographic and other typographic spaces into a plain space. ASCII text is its own NFKC
-- form and can hold only the ASCII ones, so most values (codes, dates, numbers) skip
-- normalize(), the dearest call in staging. The argument is read several times, so the
-- planner inlines this only for a plain column, which is how the models call it.
create or replace function std.clean(value text) returns text
language sql immutable parallel safe
return nullif(
    case
        when octet_length(value) = char_length(value)
            then btrim(value, e' \t\n\u000b\f\r\u001c\u001d\u001e\u001f')
        else btrim(
            normalize(value, nfkc),
            e' \t\n\u000b\f\r\u001c\u001d\u001e\u001f\u0085\u1680\u2028\u2029'
        )
    end,
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
'The calendar date, or null when there is none (2023-02-29, month 13) where make_date would raise.';

create or replace function std.try_make_time(h integer, m integer, s integer) returns time
language sql immutable parallel safe
return case
    when h between 0 and 23 and m between 0 and 59 and s between 0 and 59
        then make_time(h, m, s)
end;

comment on function std.try_make_time(integer, integer, integer) is
'The time of day, or null when there is none (24:00, 10:60) where make_time would raise.';

-- The separators tell the format; the parts' lengths finish what the Python patterns check.
-- The date is packed into one integer so that the inlined std.try_make_date casts once;
-- the common two-digit shapes skip splitting into an array.
create or replace function std.parse_date(value text) returns date
language plpgsql immutable strict parallel safe
as $$
declare
    separators text := translate(value, '0123456789', '');
    parts text[];
    ymd integer;
begin
    if separators = '' and length(value) = 8 then
        ymd := value::integer;
    elsif separators in ('--', '//') and (value like '____-__-__' or value like '____/__/__') then
        ymd := translate(value, '-/', '')::integer;
    elsif
        separators in ('--', '-/', '/-', '//')
        or (separators = '年月日' and right(value, 1) = '日')
    then
        parts := string_to_array(translate(value, '/年月日', '---'), '-');
        if
            length(parts[1]) <> 4
            or length(parts[2]) not between 1 and 2
            or length(parts[3]) not between 1 and 2
        then
            return null;
        end if;
        ymd := parts[1]::integer * 10000 + parts[2]::integer * 100 + parts[3]::integer;
    else
        return null;
    end if;
    return std.try_make_date(ymd / 10000, ymd / 100 % 100, ymd % 100);
end
$$;

comment on function std.parse_date(text) is
'YYYY-MM-DD, YYYY/M/D, YYYYMMDD or YYYY年M月D日 as a date, else null: parse_date(v).';

-- Only the dashed or slashed date takes a time; seconds' fractions are dropped, not rounded.
-- Packed as YYYYMMDDHHMMSS in one bigint, as in std.parse_date.
create or replace function std.parse_timestamp(value text) returns timestamp
language plpgsql immutable strict parallel safe
as $$
declare
    separators text := translate(value, '0123456789', '');
    parts text[];
    stamp bigint;
begin
    if
        separators in ('-- ::', '--T::')
        and (value like '____-__-__ __:__:__' or value like '____-__-__T__:__:__')
    then
        stamp := translate(value, '-T :', '')::bigint;
    elsif
        left(separators, 2) in ('--', '-/', '/-', '//')
        and substr(separators, 3) in (' :', ' ::', ' ::.', 'T:', 'T::', 'T::.')
    then
        parts := string_to_array(translate(value, '/T :.', '-----'), '-');
        if
            length(parts[1]) <> 4
            or length(parts[2]) not between 1 and 2
            or length(parts[3]) not between 1 and 2
            or length(parts[4]) not between 1 and 2
            or length(parts[5]) <> 2
            or coalesce(length(parts[6]), 2) <> 2
            or parts[7] = ''
        then
            return null;
        end if;
        stamp := ((((parts[1]::bigint * 100 + parts[2]::integer) * 100 + parts[3]::integer) * 100
            + parts[4]::integer) * 100 + parts[5]::integer) * 100 + coalesce(parts[6]::integer, 0);
    else
        return std.parse_date(value);
    end if;
    return std.try_make_date(
        (stamp / 10000000000)::integer,
        (stamp / 100000000 % 100)::integer,
        (stamp / 1000000 % 100)::integer
    ) + std.try_make_time(
        (stamp / 10000 % 100)::integer,
        (stamp / 100 % 100)::integer,
        (stamp % 100)::integer
    );
end
$$;

comment on function std.parse_timestamp(text) is
'An agreed date, optionally with HH:MM[:SS[.f]] after T or a space, else null: parse_timestamp(v).';

-- Leading zeros are allowed ('007'); the numeric comparison keeps bigint's cast from raising.
create or replace function std.parse_any_integer(value text) returns bigint
language plpgsql immutable strict parallel safe
as $$
declare
    digits text := case when left(value, 1) in ('+', '-') then substr(value, 2) else value end;
begin
    if digits = '' or translate(digits, '0123456789', '') <> '' or length(ltrim(digits, '0')) > 19 then
        return null;
    end if;
    if value::numeric not between -9223372036854775808 and 9223372036854775807 then
        return null;
    end if;
    return value::bigint;
end
$$;

comment on function std.parse_any_integer(text) is
'Optional sign and digits within bigint (3, -1, +2, 007), else null (3.0, 1e3, 1 000).';

-- Up to 18 digits always fit a bigint: cast inline, without the pl/pgsql call, which costs more
-- than the cast. Inlined for a column (the staging models' offset 0 makes each one).
create or replace function std.parse_integer(value text) returns bigint
language sql immutable parallel safe
return case
    when length(value) between 1 and 18 and translate(value, '0123456789', '') = '' then value::bigint
    else std.parse_any_integer(value)
end;

comment on function std.parse_integer(text) is
'Optional sign and digits within bigint (3, -1, +2, 007), else null (3.0, 1e3, 1 000).';

-- '.5' is accepted because Oracle's to_char writes fractions that way; 1000 characters
-- keeps numeric's own limits out of reach.
create or replace function std.parse_decimal(value text) returns numeric
language plpgsql immutable strict parallel safe
as $$
declare
    unsigned text := case when left(value, 1) in ('+', '-') then substr(value, 2) else value end;
begin
    if
        length(value) > 1000
        or unsigned in ('', '.')
        or translate(unsigned, '0123456789', '') not in ('', '.')
    then
        return null;
    end if;
    return value::numeric;
end
$$;

comment on function std.parse_decimal(text) is
'Optional sign, digits and at most one decimal point (12, 12.50, -0.5, .5, 5.), else null (1,200, 1e3).';

-- Indexed by a character's code: its value in 0123456789ABCDEFGHJKLMNPQRTUWXY, else null.
create or replace function std.uscc_char_value(code_point integer) returns integer
language sql immutable parallel safe
return (
    '[48:89]={0,1,2,3,4,5,6,7,8,9,'  -- 0-9
    'null,null,null,null,null,null,null,'  -- : ; < = > ? @
    '10,11,12,13,14,15,16,17,null,'  -- A-H, not I
    '18,19,20,21,22,null,'  -- J-N, not O
    '23,24,25,null,'  -- P-R, not S
    '26,27,null,'  -- T, U, not V
    '28,29,30}'  -- W-Y
    ::integer[]
)[code_point];

comment on function std.uscc_char_value(integer) is
'The value of a character (by its code) in the GB 32100-2015 31-character set, or null.';

-- Bytes, not substr(), for speed: a character outside the set, multi-byte ones included,
-- has no value, so the sum is null and the code invalid.
create or replace function std.uscc_valid(code text) returns boolean
language plpgsql immutable strict parallel safe
as $$
declare
    b bytea := convert_to(code, 'UTF8');
begin
    if length(b) <> 18 then
        return false;
    end if;
    return coalesce(
        std.uscc_char_value(get_byte(b, 17)) = (31 - (
            std.uscc_char_value(get_byte(b, 0)) * 1
            + std.uscc_char_value(get_byte(b, 1)) * 3
            + std.uscc_char_value(get_byte(b, 2)) * 9
            + std.uscc_char_value(get_byte(b, 3)) * 27
            + std.uscc_char_value(get_byte(b, 4)) * 19
            + std.uscc_char_value(get_byte(b, 5)) * 26
            + std.uscc_char_value(get_byte(b, 6)) * 16
            + std.uscc_char_value(get_byte(b, 7)) * 17
            + std.uscc_char_value(get_byte(b, 8)) * 20
            + std.uscc_char_value(get_byte(b, 9)) * 29
            + std.uscc_char_value(get_byte(b, 10)) * 25
            + std.uscc_char_value(get_byte(b, 11)) * 13
            + std.uscc_char_value(get_byte(b, 12)) * 8
            + std.uscc_char_value(get_byte(b, 13)) * 24
            + std.uscc_char_value(get_byte(b, 14)) * 10
            + std.uscc_char_value(get_byte(b, 15)) * 30
            + std.uscc_char_value(get_byte(b, 16)) * 28
        ) % 31) % 31,
        false
    );
end
$$;

comment on function std.uscc_valid(text) is
'GB 32100-2015: 18 characters of the 31-character set with a valid check character: uscc_valid(v).';

create or replace function std.resident_id_birth_date(number text) returns date
language plpgsql immutable strict parallel safe
as $$
declare
    ymd integer;
begin
    if length(number) <> 18 or translate(substr(number, 7, 8), '0123456789', '') <> '' then
        return null;
    end if;
    ymd := substr(number, 7, 8)::integer;
    return std.try_make_date(ymd / 10000, ymd / 100 % 100, ymd % 100);
end
$$;

comment on function std.resident_id_birth_date(text) is
'The birth date in characters 7-14 of an 18-character ID number, or null when it is not a date.';

create or replace function std.resident_id_valid(number text) returns boolean
language plpgsql immutable strict parallel safe
as $$
declare
    b bytea := convert_to(number, 'UTF8');
begin
    if length(number) <> 18 or translate(left(number, 17), '0123456789', '') <> '' then
        return false;
    end if;
    return get_byte(b, 17) = ascii(substr('10X98765432', 1 + (
        (get_byte(b, 0) - 48) * 7
        + (get_byte(b, 1) - 48) * 9
        + (get_byte(b, 2) - 48) * 10
        + (get_byte(b, 3) - 48) * 5
        + (get_byte(b, 4) - 48) * 8
        + (get_byte(b, 5) - 48) * 4
        + (get_byte(b, 6) - 48) * 2
        + (get_byte(b, 7) - 48) * 1
        + (get_byte(b, 8) - 48) * 6
        + (get_byte(b, 9) - 48) * 3
        + (get_byte(b, 10) - 48) * 7
        + (get_byte(b, 11) - 48) * 9
        + (get_byte(b, 12) - 48) * 10
        + (get_byte(b, 13) - 48) * 5
        + (get_byte(b, 14) - 48) * 8
        + (get_byte(b, 15) - 48) * 4
        + (get_byte(b, 16) - 48) * 2
    ) % 11, 1))
    and std.resident_id_birth_date(number) is not null;
end
$$;

comment on function std.resident_id_valid(text) is
'GB 11643-1999: 17 digits, a MOD 11-2 check digit and a real birth date: resident_id_valid(v).';

-- Masking rules for personal fields in the share library (共享库).
--
-- A masked value keeps its length, so a reader can still tell a full ID number from a
-- short code, and shows only what the rule lets through. Values too short to keep both
-- ends are masked whole: showing "first 6 and last 4" of a 9-character value would show
-- nearly all of it.

create schema if not exists std;

create or replace function std.mask_keeping(value text, head integer, tail integer) returns text
language sql immutable parallel safe
return case
    when value is null then null
    when length(value) <= head + tail then repeat('*', length(value))
    else left(value, head) || repeat('*', length(value) - head - tail) || right(value, tail)
end;

comment on function std.mask_keeping(text, integer, integer) is
'The first head and last tail characters, the rest as *; too short a value wholly *.';

create or replace function std.mask_id_number(value text) returns text
language sql immutable parallel safe
return std.mask_keeping(value, 6, 4);

comment on function std.mask_id_number(text) is 'ID number: first 6 and last 4 characters kept.';

create or replace function std.mask_phone(value text) returns text
language sql immutable parallel safe
return std.mask_keeping(value, 3, 4);

comment on function std.mask_phone(text) is 'Phone number: first 3 and last 4 characters kept.';

-- Two-character surnames (复姓) in use today; a name starting with one keeps both characters.
create or replace function std.surname_length(value text) returns integer
language sql immutable parallel safe
return case
    when left(value, 2) = any (array[
        '欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '令狐', '慕容',
        '长孙', '宇文', '司徒', '夏侯', '轩辕', '端木', '独孤', '南宫', '西门', '申屠',
        '澹台', '公冶', '太史', '闻人', '呼延', '万俟', '赫连', '濮阳', '钟离', '百里'
    ]) and length(value) > 2 then 2
    else 1
end;

create or replace function std.mask_name(value text) returns text
language sql immutable parallel safe
return case
    when value is null then null
    else left(value, std.surname_length(value))
        || repeat('*', length(value) - std.surname_length(value))
end;

comment on function std.mask_name(text) is 'Personal name: the surname kept (复姓 included), the rest as *.';
{% endraw %}
{%- endmacro %}
