-- Wireshark dissector for the lottery protocol, version 1 (docs/PROTOCOL.md), and for the plain-text line echo that
-- shares its TCP port. Load it with `wireshark -X lua_script:tools/wireshark/lottery.lua` (or tshark), or copy it to
-- the personal Lua plugins folder; see tools/wireshark/README.md.
--
-- What it shows, following lottery.protocol.codec.Wire byte for byte:
--   frame    length u32 (1..8188) . type u8 . body
--   HELLO    magic "TP0L" . version u8 . agency u16 . secret str8  (the secret: present/absent and length, never
--            its bytes)
--   BET      bet                       BATCH    seq u32 . count u16 . bet x count
--   FINISH, WINNERS_QUERY: empty       ACK      ref u8 . seq u32 . stored u32
--   ERROR    code u16 . ref u8 . seq u32 . reason str8
--   WINNERS  flags u8 (bit 0 = last) . count u16 . document str8 x count
--   bet      first_name str8 . last_name str8 . document str8 . year u16 . month u8 . day u8 . number u16
-- A connection whose first byte is 0x00 speaks the protocol; one whose first byte is 0x16 (a TLS handshake record) is
-- TLS (SERVER_TLS_CERT): it is handed to Wireshark's own TLS dissector, so it shows as TLS, never as lottery frames;
-- one whose first byte is TAB, LF, CR, 0x20-0x7E or 0x80-0xFF is a line echo (shown as text lines); anything else is
-- neither (the server closes it). A capture that starts in the middle of a TLS connection (first byte 0x14, 0x15 or
-- 0x17, then 0x03: a TLS record of another type) is shown as TLS too.
--
-- Frames split over TCP segments are reassembled (pinfo.desegment_len); a segment may hold several frames. What the
-- server's decoder would refuse is flagged as expert info (lottery.expert.*), never as a Lua error: a length over
-- 8188 or of 0, an unknown type, a body shorter than its layout, trailing bytes, a BATCH count that does not match,
-- and invalid values (names, documents, dates, numbers, flags, codes).

local lottery = Proto("lottery", "Lottery Protocol")

local DEFAULT_PORT = 12345
local MAX_LENGTH = 8188 -- the length field: type byte + body, 8192 - 4
local MAX_DOCUMENT_DIGITS = 20
local MAX_NUMBER = 9999
local MAX_WINNERS = 389
local MAGIC = "TP0L"

local TYPE = {
    HELLO = 0x01, BET = 0x02, BATCH = 0x03, FINISH = 0x04, WINNERS_QUERY = 0x05,
    ACK = 0x81, ERROR = 0x82, WINNERS = 0x83,
}
local TYPE_NAMES = {}
for name, opcode in pairs(TYPE) do
    TYPE_NAMES[opcode] = name
end
local REF_NAMES = { [0] = "none" }
for opcode, name in pairs(TYPE_NAMES) do
    REF_NAMES[opcode] = name
end

-- docs/PROTOCOL.md section 7 (ErrorCode.java)
local ERROR_NAMES = {
    [1] = "MALFORMED_FRAME", [2] = "FRAME_TOO_LARGE", [3] = "UNKNOWN_TYPE", [4] = "HANDSHAKE_REQUIRED",
    [5] = "BAD_MAGIC", [6] = "UNSUPPORTED_VERSION", [7] = "UNKNOWN_AGENCY", [8] = "UNEXPECTED_MESSAGE",
    [9] = "AUTHENTICATION_FAILED", [10] = "INVALID_BET", [11] = "BET_AFTER_FINISH", [12] = "ALREADY_FINISHED",
    [13] = "FINISH_REQUIRED", [14] = "AGENCY_BUSY", [15] = "SEQUENCE_GAP", [16] = "HANDSHAKE_TIMEOUT",
    [20] = "STORAGE_FAILURE", [21] = "SHUTTING_DOWN", [22] = "IDLE_TIMEOUT", [23] = "TOO_MANY_CONNECTIONS",
    [24] = "DATABASE_UNAVAILABLE", [25] = "TLS_REQUIRED", [99] = "INTERNAL_ERROR",
}

local SECRET_PRESENT = { "present (bytes not shown)", "absent" }

local f = {
    length = ProtoField.uint32("lottery.length", "Length", base.DEC, nil, nil,
        "Bytes of type + body (1..8188); the 4-byte prefix is not counted"),
    type = ProtoField.uint8("lottery.type", "Type", base.HEX, TYPE_NAMES),
    direction = ProtoField.string("lottery.direction", "Direction"),
    str_length = ProtoField.uint8("lottery.str8.length", "String length", base.DEC, nil, nil,
        "The u8 byte count of a str8"),
    magic = ProtoField.bytes("lottery.hello.magic", "Magic", base.SPACE),
    version = ProtoField.uint8("lottery.hello.version", "Version"),
    agency = ProtoField.uint16("lottery.agency", "Agency"),
    secret_present = ProtoField.bool("lottery.hello.secret_present", "Secret", base.NONE, SECRET_PRESENT),
    secret_length = ProtoField.uint8("lottery.hello.secret_length", "Secret length", base.DEC, nil, nil,
        "Bytes of the HELLO secret; the secret itself is never shown"),
    bet = ProtoField.none("lottery.bet", "Bet"),
    bet_index = ProtoField.uint16("lottery.bet.index", "Bet index"),
    first_name = ProtoField.string("lottery.bet.first_name", "First name", base.UNICODE),
    last_name = ProtoField.string("lottery.bet.last_name", "Last name", base.UNICODE),
    document = ProtoField.string("lottery.bet.document", "Document"),
    birthdate = ProtoField.string("lottery.bet.birthdate", "Birthdate"),
    year = ProtoField.uint16("lottery.bet.year", "Year"),
    month = ProtoField.uint8("lottery.bet.month", "Month"),
    day = ProtoField.uint8("lottery.bet.day", "Day"),
    number = ProtoField.uint16("lottery.bet.number", "Number"),
    batch_seq = ProtoField.uint32("lottery.batch.seq", "Batch sequence"),
    batch_count = ProtoField.uint16("lottery.batch.count", "Bet count"),
    ack_ref = ProtoField.uint8("lottery.ack.ref", "Answers", base.HEX, REF_NAMES),
    ack_seq = ProtoField.uint32("lottery.ack.seq", "Batch sequence"),
    ack_stored = ProtoField.uint32("lottery.ack.stored", "Bets stored"),
    error_code = ProtoField.uint16("lottery.error.code", "Error code", base.DEC, ERROR_NAMES),
    error_name = ProtoField.string("lottery.error.name", "Error name"),
    error_ref = ProtoField.uint8("lottery.error.ref", "Refused request", base.HEX, REF_NAMES),
    error_seq = ProtoField.uint32("lottery.error.seq", "Batch sequence"),
    error_reason = ProtoField.string("lottery.error.reason", "Reason", base.UNICODE),
    winners_flags = ProtoField.uint8("lottery.winners.flags", "Flags", base.HEX),
    winners_last = ProtoField.bool("lottery.winners.last", "Last frame of the list", 8, nil, 0x01),
    winners_reserved = ProtoField.uint8("lottery.winners.reserved", "Reserved bits (must be 0)", base.HEX, nil,
        0xFE),
    winners_count = ProtoField.uint16("lottery.winners.count", "Document count"),
    winners_document = ProtoField.string("lottery.winners.document", "Winner document"),
    trailing = ProtoField.bytes("lottery.trailing", "Trailing bytes"),
    echo_line = ProtoField.string("lottery.echo.line", "Echo line", base.UNICODE),
    undecoded = ProtoField.bytes("lottery.undecoded", "Undecoded bytes"),
    tls = ProtoField.none("lottery.tls", "TLS on the lottery port",
        base.NONE, "First byte 0x16 (a TLS record): the TLS layer below shows the records, encrypted"),
}
lottery.fields = {
    f.length, f.type, f.direction, f.str_length, f.magic, f.version, f.agency, f.secret_present, f.secret_length,
    f.bet, f.bet_index, f.first_name, f.last_name, f.document, f.birthdate, f.year, f.month, f.day, f.number,
    f.batch_seq, f.batch_count, f.ack_ref, f.ack_seq, f.ack_stored, f.error_code, f.error_name, f.error_ref,
    f.error_seq, f.error_reason, f.winners_flags, f.winners_last, f.winners_reserved, f.winners_count,
    f.winners_document, f.trailing, f.echo_line, f.undecoded, f.tls,
}

local ex = {
    bad_length = ProtoExpert.new("lottery.expert.bad_length", "Bad frame length", expert.group.MALFORMED,
        expert.severity.ERROR),
    unknown_type = ProtoExpert.new("lottery.expert.unknown_type", "Unknown message type", expert.group.MALFORMED,
        expert.severity.ERROR),
    truncated = ProtoExpert.new("lottery.expert.truncated", "Body shorter than its layout",
        expert.group.MALFORMED, expert.severity.ERROR),
    malformed = ProtoExpert.new("lottery.expert.malformed", "Malformed frame", expert.group.MALFORMED,
        expert.severity.ERROR),
    bad_magic = ProtoExpert.new("lottery.expert.bad_magic", "HELLO magic is not TP0L", expert.group.PROTOCOL,
        expert.severity.ERROR),
    invalid_value = ProtoExpert.new("lottery.expert.invalid_value", "Invalid field value", expert.group.PROTOCOL,
        expert.severity.WARN),
    incomplete = ProtoExpert.new("lottery.expert.incomplete", "Frame not complete in the captured data",
        expert.group.MALFORMED, expert.severity.WARN),
    desync = ProtoExpert.new("lottery.expert.desync", "Not decoded: an earlier bad length lost the frame boundaries",
        expert.group.UNDECODED, expert.severity.WARN),
    not_lottery = ProtoExpert.new("lottery.expert.not_lottery",
        "First byte is neither 0x00 (lottery), 0x16 (TLS) nor text (echo): the server closes the connection",
        expert.group.PROTOCOL, expert.severity.WARN),
    error_reply = ProtoExpert.new("lottery.expert.error_reply", "The server refused a request",
        expert.group.RESPONSE_CODE, expert.severity.NOTE),
    internal = ProtoExpert.new("lottery.expert.internal", "Dissector failure", expert.group.MALFORMED,
        expert.severity.ERROR),
}
lottery.experts = {
    ex.bad_length, ex.unknown_type, ex.truncated, ex.malformed, ex.bad_magic, ex.invalid_value, ex.incomplete,
    ex.desync, ex.not_lottery, ex.error_reply, ex.internal,
}

lottery.prefs.tcp_port = Pref.uint("TCP port", DEFAULT_PORT,
    "TCP port of the lottery server (the lottery protocol and the line echo share it)")

local tcp_stream = Field.new("tcp.stream")

-- Per capture file: what each TCP stream speaks, decided by its first payload byte, and the frame after which a
-- direction of a stream lost its frame boundaries (a length prefix over 8188).
local streams = {}
local desynced = {}

function lottery.init()
    streams = {}
    desynced = {}
end

---------------------------------------------------------------------------------------------------------------------
-- Text checks, the same as Limits.checkText / Bet.checkDocument / the codec's strict UTF-8 reading.

-- The code points of a well-formed UTF-8 string (no overlong forms, no surrogates, nothing above U+10FFFF), or nil.
local function utf8_code_points(raw)
    local points = {}
    local i, n = 1, #raw
    while i <= n do
        local b = raw:byte(i)
        local need, cp, min
        if b < 0x80 then
            need, cp, min = 0, b, 0
        elseif b >= 0xC2 and b <= 0xDF then
            need, cp, min = 1, b - 0xC0, 0x80
        elseif b >= 0xE0 and b <= 0xEF then
            need, cp, min = 2, b - 0xE0, 0x800
        elseif b >= 0xF0 and b <= 0xF4 then
            need, cp, min = 3, b - 0xF0, 0x10000
        else
            return nil
        end
        if i + need > n then
            return nil
        end
        for k = 1, need do
            local c = raw:byte(i + k)
            if c < 0x80 or c > 0xBF then
                return nil
            end
            cp = cp * 64 + (c - 0x80)
        end
        if cp < min or cp > 0x10FFFF or (cp >= 0xD800 and cp <= 0xDFFF) then
            return nil
        end
        points[#points + 1] = cp
        i = i + need + 1
    end
    return points
end

-- Character.isWhitespace, which String.isBlank uses (controls are refused before this matters).
local function is_java_whitespace(cp)
    return cp == 0x20 or (cp >= 0x09 and cp <= 0x0D) or (cp >= 0x1C and cp <= 0x1F) or cp == 0x1680
        or (cp >= 0x2000 and cp <= 0x2006) or (cp >= 0x2008 and cp <= 0x200A) or cp == 0x2028 or cp == 0x2029
        or cp == 0x205F or cp == 0x3000
end

-- nil when raw is acceptable text (names, secret, reason), else why not.
local function text_problem(raw, allow_empty)
    local points = utf8_code_points(raw)
    if points == nil then
        return "is not valid UTF-8"
    end
    local blank = true
    for _, cp in ipairs(points) do
        if cp < 0x20 or cp == 0x7F then
            return "holds a control character"
        end
        if not is_java_whitespace(cp) then
            blank = false
        end
    end
    if blank and not allow_empty then
        return #raw == 0 and "is empty" or "is blank"
    end
    return nil
end

local function document_problem(raw)
    if #raw == 0 then
        return "is empty"
    end
    if #raw > MAX_DOCUMENT_DIGITS then
        return "has more than " .. MAX_DOCUMENT_DIGITS .. " digits"
    end
    if not raw:match("^[0-9]+$") then
        return "is not all ASCII digits"
    end
    return nil
end

local function is_leap(year)
    return (year % 4 == 0 and year % 100 ~= 0) or year % 400 == 0
end

local DAYS_IN_MONTH = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

local function date_problem(year, month, day)
    if year < 1 or year > 9999 then
        return "year " .. year .. " is not in 1..9999"
    end
    if month < 1 or month > 12 then
        return "month " .. month .. " is not in 1..12"
    end
    local last = DAYS_IN_MONTH[month]
    if month == 2 and is_leap(year) then
        last = 29
    end
    if day < 1 or day > last then
        return string.format("%04d-%02d-%02d does not exist", year, month, day)
    end
    return nil
end

---------------------------------------------------------------------------------------------------------------------
-- A cursor over one frame (prefix included). Running out of bytes is reported once, as the codec does: a truncated
-- body (MALFORMED_FRAME), or, when the frame itself was cut by the end of the captured data, an incomplete frame.

local Reader = {}
Reader.__index = Reader

local function new_reader(tvb, tree, cut)
    return setmetatable({ tvb = tvb, tree = tree, pos = 5, cut = cut, failed = false }, Reader)
end

function Reader:left()
    return self.tvb:len() - self.pos
end

-- true when n more bytes are there; else reports what is missing and returns false.
function Reader:need(n, what)
    if self:left() >= n then
        return true
    end
    if not self.failed then
        self.failed = true
        local text
        if self.cut then
            text = string.format("frame cut by the end of the captured data: %s needs %d byte(s), %d left", what, n,
                self:left())
        else
            text = string.format("body too short (MALFORMED_FRAME): %s needs %d byte(s), %d left", what, n,
                self:left())
        end
        local expert_field = self.cut and ex.incomplete or ex.truncated
        if self:left() > 0 then
            self.tree:add_tvb_expert_info(expert_field, self.tvb(self.pos, self:left()), text)
        else
            self.tree:add_proto_expert_info(expert_field, text)
        end
    end
    return false
end

function Reader:uint(field, size, what, tree)
    if not self:need(size, what) then
        return nil
    end
    local range = self.tvb(self.pos, size)
    local value = range:uint()
    local item = (tree or self.tree):add(field, range)
    self.pos = self.pos + size
    return value, item
end

-- A str8: returns its raw bytes and the tree item, or nil when truncated. With hide set (the HELLO secret) the
-- bytes are skipped, never put in the tree.
function Reader:str8(field, what, tree, hide)
    if not self:need(1, what .. " length") then
        return nil
    end
    tree = tree or self.tree
    local n = self.tvb(self.pos, 1):uint()
    if not self:need(1 + n, string.format("%s (%d bytes)", what, n)) then
        return nil
    end
    local raw = n > 0 and self.tvb(self.pos + 1, n):raw() or ""
    local item
    if not hide then
        local shown = n > 0 and self.tvb(self.pos + 1, n):string(ENC_UTF_8) or ""
        item = tree:add(field, self.tvb(self.pos, 1 + n), shown)
        item:add(f.str_length, self.tvb(self.pos, 1))
    end
    self.pos = self.pos + 1 + n
    return raw, item
end

function Reader:invalid(item, text)
    (item or self.tree):add_proto_expert_info(ex.invalid_value, text)
end

function Reader:malformed(item, text)
    (item or self.tree):add_proto_expert_info(ex.malformed, text)
end

---------------------------------------------------------------------------------------------------------------------
-- Body layouts

-- Returns the bet's document and number, or nil when its bytes run out.
local function read_bet(r, tree, index)
    if not r:need(1, "first name length") then return nil end
    local start = r.pos
    local item = tree:add(f.bet, r.tvb(start, 1))
    local bet_tree = item
    if index then
        item:set_text("Bet " .. index)
        bet_tree:add(f.bet_index, index):set_generated()
    end
    local first, first_item = r:str8(f.first_name, "first name", bet_tree)
    if first == nil then return nil end
    local last, last_item = r:str8(f.last_name, "last name", bet_tree)
    if last == nil then return nil end
    local document, document_item = r:str8(f.document, "document", bet_tree)
    if document == nil then return nil end
    if not r:need(6, "birthdate and number") then return nil end
    local date_range = r.tvb(r.pos, 4)
    local year, month, day = r.tvb(r.pos, 2):uint(), r.tvb(r.pos + 2, 1):uint(), r.tvb(r.pos + 3, 1):uint()
    local date_item = bet_tree:add(f.birthdate, date_range, string.format("%04d-%02d-%02d", year, month, day))
    r:uint(f.year, 2, "year", date_item)
    r:uint(f.month, 1, "month", date_item)
    r:uint(f.day, 1, "day", date_item)
    local number, number_item = r:uint(f.number, 2, "number", bet_tree)
    item:set_len(r.pos - start)
    item:append_text(string.format(": document %s, number %d", document, number))

    local problem = text_problem(first, false)
    if problem then r:invalid(first_item, "first name " .. problem) end
    problem = text_problem(last, false)
    if problem then r:invalid(last_item, "last name " .. problem) end
    problem = document_problem(document)
    if problem then r:invalid(document_item, "document " .. problem) end
    problem = date_problem(year, month, day)
    if problem then r:invalid(date_item, "birthdate " .. problem) end
    if number > MAX_NUMBER then r:invalid(number_item, "number " .. number .. " is over " .. MAX_NUMBER) end
    return document, number
end

local function dissect_hello(r, info)
    if not r:need(4, "magic") then return end
    local magic_range = r.tvb(r.pos, 4)
    local magic_item = r.tree:add(f.magic, magic_range)
    r.pos = r.pos + 4
    if magic_range:raw() == MAGIC then
        magic_item:append_text(' ("TP0L")')
    else
        magic_item:add_proto_expert_info(ex.bad_magic, "HELLO magic is not \"TP0L\": the server answers BAD_MAGIC")
        info[#info + 1] = "bad magic"
    end
    local version, version_item = r:uint(f.version, 1, "version")
    if version == nil then return end
    local agency, agency_item = r:uint(f.agency, 2, "agency")
    if agency == nil then return end
    info[#info + 1] = "agency=" .. agency
    if version == 0 then
        r:invalid(version_item, "version 0 does not exist (UNSUPPORTED_VERSION)")
    elseif version ~= 1 then
        r:invalid(version_item, "a version 1 server answers UNSUPPORTED_VERSION to version " .. version)
    end
    if agency == 0 then
        r:invalid(agency_item, "agency 0 does not exist (UNKNOWN_AGENCY)")
    end
    -- The secret: only whether there is one and its length. Its bytes never reach the tree, the columns or a field.
    if not r:need(1, "secret length") then return end
    local n = r.tvb(r.pos, 1):uint()
    local secret_range = r.tvb(r.pos, 1)
    r.tree:add(f.secret_length, secret_range)
    if not r:need(1 + n, string.format("secret (%d bytes)", n)) then return end
    local present_item = r.tree:add(f.secret_present, secret_range, n > 0)
    present_item:set_generated()
    local problem = text_problem(n > 0 and r.tvb(r.pos + 1, n):raw() or "", true)
    r.pos = r.pos + 1 + n
    if problem then
        r:malformed(present_item, "the secret " .. problem .. " (MALFORMED_FRAME)")
    end
end

local function dissect_batch(r, info)
    local seq = r:uint(f.batch_seq, 4, "seq")
    if seq == nil then return end
    local count, count_item = r:uint(f.batch_count, 2, "count")
    if count == nil then return end
    info[#info + 1] = string.format("seq=%d count=%d", seq, count)
    if count == 0 then
        r:malformed(count_item, "a BATCH of 0 bets (MALFORMED_FRAME)")
        return
    end
    for i = 1, count do
        if r:left() == 0 then
            -- The codec's wording: the count promises more bets than the frame holds.
            r.failed = true
            r:malformed(count_item, string.format("BATCH announces %d bets but holds %d whole ones", count, i - 1))
            return
        end
        if read_bet(r, r.tree, i) == nil then return end
    end
end

local function dissect_ack(r, info)
    local ref, ref_item = r:uint(f.ack_ref, 1, "ref")
    if ref == nil then return end
    local seq = r:uint(f.ack_seq, 4, "seq")
    if seq == nil then return end
    local stored = r:uint(f.ack_stored, 4, "stored")
    if stored == nil then return end
    if ref < 0x01 or ref > 0x05 then
        r:malformed(ref_item, "ACK refers to no client request type")
    end
    info[#info + 1] = string.format("%s seq=%d stored=%d", REF_NAMES[ref] or string.format("0x%02x", ref), seq,
        stored)
end

local function dissect_error(r, info)
    local code, code_item = r:uint(f.error_code, 2, "code")
    if code == nil then return end
    local name = ERROR_NAMES[code]
    r.tree:add(f.error_name, r.tvb(r.pos - 2, 2), name or "unassigned"):set_generated()
    local ref, ref_item = r:uint(f.error_ref, 1, "ref")
    if ref == nil then return end
    local seq = r:uint(f.error_seq, 4, "seq")
    if seq == nil then return end
    local reason, reason_item = r:str8(f.error_reason, "reason")
    if reason == nil then return end
    info[#info + 1] = string.format("%d %s ref=%s seq=%d", code, name or "?",
        REF_NAMES[ref] or string.format("0x%02x", ref), seq)
    if name == nil then
        r:malformed(code_item, "unassigned error code " .. code)
    else
        code_item:add_proto_expert_info(ex.error_reply, string.format("ERROR %d %s", code, name))
    end
    if ref ~= 0 and REF_NAMES[ref] == nil then
        r:malformed(ref_item, string.format("ERROR refers to unknown type 0x%02x", ref))
    end
    local problem = text_problem(reason, true)
    if problem then r:malformed(reason_item, "reason " .. problem) end
end

local function dissect_winners(r, info)
    if not r:need(1, "flags") then return end
    local flags_range = r.tvb(r.pos, 1)
    local flags = flags_range:uint()
    local flags_item = r.tree:add(f.winners_flags, flags_range)
    flags_item:add(f.winners_last, flags_range)
    flags_item:add(f.winners_reserved, flags_range)
    r.pos = r.pos + 1
    if flags > 1 then
        r:malformed(flags_item, string.format("WINNERS has unknown flags 0x%02x (bits 1-7 must be 0)", flags))
    end
    local count, count_item = r:uint(f.winners_count, 2, "count")
    if count == nil then return end
    info[#info + 1] = string.format("last=%d count=%d", flags % 2, count)
    if count > MAX_WINNERS then
        r:malformed(count_item, count .. " documents do not fit one frame (max " .. MAX_WINNERS .. ")")
    end
    for i = 1, count do
        local document, item = r:str8(f.winners_document, "document " .. i)
        if document == nil then return end
        local problem = document_problem(document)
        if problem then r:malformed(item, "document " .. problem) end
    end
end

local BODY = {
    [TYPE.HELLO] = dissect_hello,
    [TYPE.BET] = function(r, info)
        local document, number = read_bet(r, r.tree, nil)
        if document ~= nil then
            info[#info + 1] = string.format("document=%s number=%d", document, number)
        end
    end,
    [TYPE.BATCH] = dissect_batch,
    [TYPE.FINISH] = function() end,
    [TYPE.WINNERS_QUERY] = function() end,
    [TYPE.ACK] = dissect_ack,
    [TYPE.ERROR] = dissect_error,
    [TYPE.WINNERS] = dissect_winners,
}

---------------------------------------------------------------------------------------------------------------------
-- One frame: tvb holds the 4-byte prefix and, unless cut is set, exactly `length` more bytes. Returns the Info text.

local function dissect_frame(tvb, tree, cut)
    local length = tvb(0, 4):uint()
    local item = tree:add(lottery, tvb())
    local frame_tree = item
    frame_tree:add(f.length, tvb(0, 4))
    if length == 0 then
        item:append_text(", empty frame")
        item:add_tvb_expert_info(ex.bad_length, tvb(0, 4), "length 0: no type byte (MALFORMED_FRAME)")
        return "length 0 [MALFORMED]"
    end
    if tvb:len() < 5 then
        item:add_proto_expert_info(ex.incomplete, "frame cut before its type byte")
        return "[incomplete]"
    end
    local opcode = tvb(4, 1):uint()
    local name = TYPE_NAMES[opcode]
    local type_item = frame_tree:add(f.type, tvb(4, 1))
    if name == nil then
        type_item:add_proto_expert_info(ex.unknown_type,
            string.format("unknown message type 0x%02x (UNKNOWN_TYPE)", opcode))
        if tvb:len() > 5 then
            frame_tree:add(f.undecoded, tvb(5))
        end
        item:append_text(string.format(", unknown type 0x%02x", opcode))
        return string.format("type 0x%02x [UNKNOWN_TYPE]", opcode)
    end
    item:append_text(", " .. name)
    frame_tree:add(f.direction, tvb(4, 1), opcode >= 0x80 and "server to client" or "client to server")
        :set_generated()
    local r = new_reader(tvb, frame_tree, cut)
    local info = { name }
    BODY[opcode](r, info)
    if not r.failed and r:left() > 0 then
        frame_tree:add(f.trailing, tvb(r.pos))
        r:malformed(frame_tree, string.format("%s frame has %d trailing bytes (MALFORMED_FRAME)", name, r:left()))
    end
    if r.failed and not cut then
        info[#info + 1] = "[MALFORMED]"
    elseif cut then
        info[#info + 1] = "[incomplete]"
    end
    return table.concat(info, " ")
end

---------------------------------------------------------------------------------------------------------------------
-- Connections

local KIND_LOTTERY, KIND_ECHO, KIND_TLS, KIND_NEITHER = "lottery", "echo", "tls", "neither"

-- Wireshark's TLS dissector ("ssl" before Wireshark 3.0); nil when this Wireshark has none.
local tls_dissector
for _, name in ipairs({ "tls", "ssl" }) do
    local ok, handle = pcall(Dissector.get, name)
    if ok and handle ~= nil then
        tls_dissector = handle
        break
    end
end

-- ProtocolDetector.classify; second_byte (nil when the segment has one byte) tells a TLS record that is not a
-- handshake (a capture begun mid-connection) from a control character.
local function classify(first_byte, second_byte)
    if first_byte == 0x00 then
        return KIND_LOTTERY
    end
    if first_byte == 0x16 or (first_byte >= 0x14 and first_byte <= 0x17 and second_byte == 0x03) then
        return KIND_TLS
    end
    if (first_byte >= 0x20 and first_byte ~= 0x7F) or first_byte == 0x09 or first_byte == 0x0A
        or first_byte == 0x0D then
        return KIND_ECHO
    end
    return KIND_NEITHER
end

local function stream_id()
    local field = tcp_stream()
    return field and field.value or -1
end

-- Frames of the lottery protocol, reassembled across segments. Returns the Info parts.
local function dissect_lottery(tvb, pinfo, tree, direction_key, info)
    local desync_frame = desynced[direction_key]
    if desync_frame ~= nil and pinfo.number > desync_frame then
        local item = tree:add(lottery, tvb())
        item:append_text(", not decoded")
        item:add(f.undecoded, tvb())
        item:add_proto_expert_info(ex.desync)
        info[#info + 1] = "[not decoded after a bad length]"
        return tvb:len()
    end
    local offset, total = 0, tvb:len()
    while offset < total do
        local left = total - offset
        if left < 4 then
            if pinfo.can_desegment > 0 then
                pinfo.desegment_offset = offset
                pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
                return total
            end
            local item = tree:add(lottery, tvb(offset))
            item:add(f.undecoded, tvb(offset))
            item:add_proto_expert_info(ex.incomplete, "length prefix cut by the end of the captured data")
            info[#info + 1] = "[incomplete]"
            return total
        end
        local length = tvb(offset, 4):uint()
        if length > MAX_LENGTH then
            local item = tree:add(lottery, tvb(offset))
            item:append_text(", bad length")
            item:add(f.length, tvb(offset, 4))
            item:add_tvb_expert_info(ex.bad_length, tvb(offset, 4), string.format(
                "length %d is over %d: the frame would exceed 8192 bytes (FRAME_TOO_LARGE)", length, MAX_LENGTH))
            if left > 4 then
                item:add(f.undecoded, tvb(offset + 4))
            end
            info[#info + 1] = string.format("length %d [FRAME_TOO_LARGE]", length)
            if not pinfo.visited then
                desynced[direction_key] = pinfo.number
            end
            return total
        end
        local size = 4 + length
        if left < size then
            if pinfo.can_desegment > 0 then
                pinfo.desegment_offset = offset
                pinfo.desegment_len = size - left
                return total
            end
            info[#info + 1] = dissect_frame(tvb(offset):tvb(), tree, true)
            return total
        end
        info[#info + 1] = dissect_frame(tvb(offset, size):tvb(), tree, false)
        offset = offset + size
    end
    return total
end

-- Text lines of the echo; a line is reassembled until its LF (a last line without LF shows once the capture has it).
local function dissect_echo(tvb, pinfo, tree, info)
    local raw = tvb:raw()
    local offset, total = 0, #raw
    local item, item_start
    while offset < total do
        local lf = raw:find("\n", offset + 1, true)
        if lf == nil then
            if pinfo.can_desegment > 0 then
                pinfo.desegment_offset = offset
                pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
                break
            end
            lf = total
        end
        if item == nil then
            item, item_start = tree:add(lottery, tvb(offset)), offset
            item:set_text("Lottery line echo (plain text)")
        end
        local line_range = tvb(offset, lf - offset)
        local text = (line_range:string(ENC_UTF_8):gsub("\r?\n$", ""))
        item:add(f.echo_line, line_range, text)
        info[#info + 1] = '"' .. text .. '"'
        offset = lf
    end
    if item ~= nil then
        item:set_len(offset - item_start)
    end
    return total
end

-- TLS: a marker of ours, then Wireshark's TLS dissector (records, handshake, reassembly across segments). Returns
-- what it consumed; nil when this Wireshark has no TLS dissector (the bytes are then shown undecoded).
local function dissect_tls(tvb, pinfo, tree, info)
    local item = tree:add(lottery, tvb(0, 0))
    item:set_text("Lottery port, TLS: the TLS dissector shows the records; the lottery frames inside are encrypted")
    item:add(f.tls, tvb(0, 0))
    if tls_dissector ~= nil then
        -- Each dissector call lowers pinfo.can_desegment by one: without this the TLS dissector, one call below TCP's
        -- own, could not ask TCP to reassemble a record split over segments (and would show it as unknown).
        if pinfo.can_desegment > 0 then
            pinfo.can_desegment = pinfo.can_desegment + 1
        end
        return tls_dissector:call(tvb, pinfo, tree)
    end
    item:append_text(" [this Wireshark has no TLS dissector]")
    item:add(f.undecoded, tvb())
    info[#info + 1] = "TLS record(s) [no TLS dissector]"
    return tvb:len()
end

local function dissect_neither(tvb, tree, first_byte, info)
    local item = tree:add(lottery, tvb())
    item:set_text("Lottery port, neither protocol")
    item:add(f.undecoded, tvb())
    item:add_proto_expert_info(ex.not_lottery, string.format(
        "first byte 0x%02x is neither 0x00 (lottery), 0x16 (TLS) nor text (echo): the server closes the connection",
        first_byte))
    info[#info + 1] = string.format("first byte 0x%02x [neither protocol]", first_byte)
    return tvb:len()
end

function lottery.dissector(tvb, pinfo, tree)
    local total = tvb:len()
    if total == 0 then
        return 0
    end
    local stream = stream_id()
    local state = streams[stream]
    if state == nil then
        local second_byte = total > 1 and tvb(1, 1):uint() or nil
        state = { kind = classify(tvb(0, 1):uint(), second_byte), first_byte = tvb(0, 1):uint() }
        streams[stream] = state
    end
    if state.kind == KIND_TLS then
        -- Outside the pcall below: the TLS dissector sets the columns and reports its own errors.
        local info = {}
        local consumed = dissect_tls(tvb, pinfo, tree, info)
        if #info > 0 then
            pinfo.cols.protocol:set("LOTTERY-TLS")
            pinfo.cols.info:set(table.concat(info, ", "))
        end
        return consumed
    end
    local direction_key = stream .. ":" .. tostring(pinfo.src_port)
    local info = {}
    local ok, result = pcall(function()
        if state.kind == KIND_LOTTERY then
            return dissect_lottery(tvb, pinfo, tree, direction_key, info)
        elseif state.kind == KIND_ECHO then
            return dissect_echo(tvb, pinfo, tree, info)
        end
        return dissect_neither(tvb, tree, state.first_byte, info)
    end)
    if not ok then
        -- Never a Lua error in the tree: a bug here shows as one expert item instead.
        tree:add(lottery, tvb()):add_proto_expert_info(ex.internal, "dissector failure: " .. tostring(result))
        result = total
    end
    if #info > 0 then
        local protocol = state.kind == KIND_ECHO and "LOTTERY-ECHO" or "LOTTERY"
        local text = table.concat(info, ", ")
        if tostring(pinfo.cols.protocol) == protocol then
            pinfo.cols.info:append(", " .. text) -- a second call for the same packet (after a reassembled frame)
        else
            pinfo.cols.protocol:set(protocol)
            pinfo.cols.info:set(text)
        end
    end
    return result
end

---------------------------------------------------------------------------------------------------------------------
-- The port preference (Edit > Preferences > Protocols > LOTTERY, or `-o lottery.tcp_port:N`); Decode As works too.

local registered_port = 0

local function register_port()
    local tcp_port = DissectorTable.get("tcp.port")
    if registered_port ~= 0 then
        tcp_port:remove(registered_port, lottery)
    end
    registered_port = lottery.prefs.tcp_port
    if registered_port ~= 0 then
        tcp_port:add(registered_port, lottery)
    end
end

lottery.prefs_changed = register_port
register_port()
