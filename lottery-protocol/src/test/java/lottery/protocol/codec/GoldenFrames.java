package lottery.protocol.codec;

import static lottery.protocol.codec.Hex.hex;

import java.time.LocalDate;
import java.util.List;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Finish;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import lottery.protocol.message.WinnersQuery;

/**
 * One exact frame per message type, length prefix included, with the record it stands for. These are the worked
 * examples of docs/PROTOCOL.md §8, byte for byte: change one only together with the other.
 */
final class GoldenFrames {

    /** A named golden frame: its bytes on the wire and the message they carry. */
    record Golden(String name, byte[] bytes, LotteryMessage message) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Agency 1 says hello, no secret. */
    static final Golden HELLO = new Golden("HELLO", hex(
            "00000009",         // length 9 = type + 8-byte body
            "01",               // type HELLO
            "5450304c",         // magic "TP0L"
            "01",               // version 1
            "0001",             // agency 1
            "00"),              // secret: str8 of 0 bytes
            Hello.of(1));

    /** Agency 3 says hello with the secret "s3cr3t". */
    static final Golden HELLO_WITH_SECRET = new Golden("HELLO_WITH_SECRET", hex(
            "0000000f",         // length 15
            "01",               // type HELLO
            "5450304c",         // magic "TP0L"
            "01",               // version 1
            "0003",             // agency 3
            "06 733363723374"), // secret: str8 "s3cr3t"
            new Hello(1, 3, "s3cr3t"));

    /** One bet with accented names: the accents are two bytes each in UTF-8. */
    static final Golden BET = new Golden("BET", hex(
            "00000022",                 // length 34 = type + 33-byte bet
            "02",                       // type BET
            "08 4e69636f6cc3a173",      // first name str8 "Nicolás" (á = c3 a1)
            "08 53616c6461c3b161",      // last name str8 "Saldaña" (ñ = c3 b1)
            "08 3330393034343635",      // document str8 "30904465"
            "07cf 03 11",               // birthdate 1999-03-17: year u16, month u8, day u8
            "1d96"),                    // number u16 7574
            new Bet("Nicolás", "Saldaña", "30904465", LocalDate.of(1999, 3, 17), 7574));

    /** Batch number 7 of two bets; the second has the shortest document and the smallest number. */
    static final Golden BATCH = new Golden("BATCH", hex(
            "0000003d",                     // length 61 = type + 60-byte body
            "03",                           // type BATCH
            "00000007",                     // seq u32 7
            "0002",                         // count u16 2
            "0c 4d6172c3ad61204a6f73c3a9",  // bet 1 first name "María José" (12 bytes)
            "05 5065c3b161",                // bet 1 last name "Peña"
            "08 3231363839313936",          // bet 1 document "21689196"
            "07d0 05 0a",                   // bet 1 birthdate 2000-05-10
            "246d",                         // bet 1 number 9325
            "03 416e61",                    // bet 2 first name "Ana"
            "07 4f27427269656e",            // bet 2 last name "O'Brien"
            "01 31",                        // bet 2 document "1"
            "079e 0c 1f",                   // bet 2 birthdate 1950-12-31
            "0000"),                        // bet 2 number 0
            new Batch(7, List.of(
                    new Bet("María José", "Peña", "21689196", LocalDate.of(2000, 5, 10), 9325),
                    new Bet("Ana", "O'Brien", "1", LocalDate.of(1950, 12, 31), 0))));

    static final Golden FINISH = new Golden("FINISH", hex(
            "00000001",         // length 1: the type alone
            "04"),              // type FINISH, empty body
            Finish.INSTANCE);

    static final Golden WINNERS_QUERY = new Golden("WINNERS_QUERY", hex(
            "00000001",         // length 1
            "05"),              // type WINNERS_QUERY, empty body
            WinnersQuery.INSTANCE);

    /** The answer to a HELLO. */
    static final Golden ACK_HELLO = new Golden("ACK_HELLO", hex(
            "0000000a",         // length 10
            "81",               // type ACK
            "01",               // ref: HELLO
            "00000000",         // seq u32 0
            "00000000"),        // stored u32 0
            new Ack(MessageType.HELLO, 0, 0));

    /** The answer to BATCH: batch 7 stored with its 2 bets. */
    static final Golden ACK_BATCH = new Golden("ACK_BATCH", hex(
            "0000000a",         // length 10
            "81",               // type ACK
            "03",               // ref: BATCH
            "00000007",         // seq u32 7
            "00000002"),        // stored u32 2
            new Ack(MessageType.BATCH, 7, 2));

    /** Batch 7 refused: nothing of it stored, the connection stays open (INVALID_BET is not fatal). */
    static final Golden ERROR = new Golden("ERROR", hex(
            "00000017",                     // length 23
            "82",                           // type ERROR
            "000a",                         // code u16 10 = INVALID_BET
            "03",                           // ref: BATCH
            "00000007",                     // seq u32 7
            "0e 6ec3ba6d65726f203e2039393939"), // reason str8 "número > 9999" (14 bytes)
            new ErrorReply(ErrorCode.INVALID_BET, MessageType.BATCH, 7, "número > 9999"));

    /** An error about a frame that could not be read, so no request type: ref is 0. */
    static final Golden ERROR_NO_REF = new Golden("ERROR_NO_REF", hex(
            "00000018",                         // length 24
            "82",                               // type ERROR
            "0002",                             // code u16 2 = FRAME_TOO_LARGE
            "00",                               // ref: none
            "00000000",                         // seq u32 0
            "0f 6672616d6520746f6f206c61726765"), // reason str8 "frame too large"
            new ErrorReply(ErrorCode.FRAME_TOO_LARGE, null, 0, "frame too large"));

    /** The first part of a winner list that goes on in another frame. */
    static final Golden WINNERS_NOT_LAST = new Golden("WINNERS_NOT_LAST", hex(
            "00000016",             // length 22
            "83",                   // type WINNERS
            "00",                   // flags: last bit clear, more frames follow
            "0002",                 // count u16 2
            "08 3330393034343635",  // document str8 "30904465"
            "08 3231363839313936"), // document str8 "21689196"
            new Winners(false, List.of("30904465", "21689196")));

    /** The frame that ends a winner list. */
    static final Golden WINNERS_LAST = new Golden("WINNERS_LAST", hex(
            "00000006",     // length 6
            "83",           // type WINNERS
            "01",           // flags: last
            "0001",         // count u16 1
            "01 31"),       // document str8 "1"
            new Winners(true, List.of("1")));

    /** An agency without winners gets exactly this frame. */
    static final Golden WINNERS_EMPTY = new Golden("WINNERS_EMPTY", hex(
            "00000004",     // length 4
            "83",           // type WINNERS
            "01",           // flags: last
            "0000"),        // count u16 0
            new Winners(true, List.of()));

    private GoldenFrames() {
    }

    static List<Golden> all() {
        return List.of(HELLO, HELLO_WITH_SECRET, BET, BATCH, FINISH, WINNERS_QUERY, ACK_HELLO, ACK_BATCH, ERROR,
                ERROR_NO_REF, WINNERS_NOT_LAST, WINNERS_LAST, WINNERS_EMPTY);
    }
}
