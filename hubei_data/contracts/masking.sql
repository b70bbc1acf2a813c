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
