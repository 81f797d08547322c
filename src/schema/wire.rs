//! Confluent's wire format: a zero magic byte, the schema id as four
//! big-endian bytes, then the encoded body. Protobuf bodies start with the
//! path of the message type in the schema's file ("message indexes").

/// The schema id and the body after the five-byte header, if `bytes` are
/// in the wire format. Plain JSON or text never starts with a zero byte,
/// so this does not mistake them.
pub fn split(bytes: &[u8]) -> Option<(u32, &[u8])> {
    match bytes {
        [0, a, b, c, d, body @ ..] => Some((u32::from_be_bytes([*a, *b, *c, *d]), body)),
        _ => None,
    }
}

/// The five-byte header for a schema id.
pub fn header(id: u32) -> [u8; 5] {
    let b = id.to_be_bytes();
    [0, b[0], b[1], b[2], b[3]]
}

/// Read Protobuf's message indexes: a zigzag varint count, then that many
/// zigzag varint indexes; a lone 0 stands for `[0]`, the first message.
/// Returns the path and the rest of the body.
pub fn message_indexes(body: &[u8]) -> Result<(Vec<usize>, &[u8]), String> {
    let (count, mut rest) = zigzag(body).ok_or("message indexes cut short")?;
    if count == 0 {
        return Ok((vec![0], rest));
    }
    if !(1..=100).contains(&count) {
        return Err(format!("{count} message indexes (a corrupt header?)"));
    }
    let mut path = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let (i, r) = zigzag(rest).ok_or("message indexes cut short")?;
        let i = usize::try_from(i).map_err(|_| format!("negative message index {i}"))?;
        path.push(i);
        rest = r;
    }
    Ok((path, rest))
}

/// Write message indexes as `message_indexes` reads them.
pub fn write_message_indexes(path: &[usize], out: &mut Vec<u8>) {
    if path == [0] {
        out.push(0);
        return;
    }
    put_zigzag(path.len() as i64, out);
    for &i in path {
        put_zigzag(i as i64, out);
    }
}

fn zigzag(bytes: &[u8]) -> Option<(i64, &[u8])> {
    let mut v: u64 = 0;
    for (n, &b) in bytes.iter().enumerate().take(10) {
        v |= u64::from(b & 0x7f) << (7 * n);
        if b & 0x80 == 0 {
            let signed = ((v >> 1) as i64) ^ -((v & 1) as i64);
            return Some((signed, &bytes[n + 1..]));
        }
    }
    None
}

fn put_zigzag(v: i64, out: &mut Vec<u8>) {
    let mut u = ((v << 1) ^ (v >> 63)) as u64;
    while u >= 0x80 {
        out.push((u as u8) | 0x80);
        u >>= 7;
    }
    out.push(u as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_carries_the_id_big_endian() {
        assert_eq!(split(&[0, 0, 0, 1, 2, 9, 9]), Some((258, &[9u8, 9][..])));
        assert_eq!(split(b"{\"a\":1}"), None);
        assert_eq!(split(&[0, 0, 0]), None);
        assert_eq!(header(258), [0, 0, 0, 1, 2]);
    }

    #[test]
    fn message_indexes_read_as_confluent_writes_them() {
        // [0] is written as a single zero byte.
        assert_eq!(message_indexes(&[0, 7]).unwrap(), (vec![0], &[7u8][..]));
        // [1, 2]: count 2 -> 4, 1 -> 2, 2 -> 4 (zigzag).
        assert_eq!(
            message_indexes(&[4, 2, 4, 7]).unwrap(),
            (vec![1, 2], &[7u8][..])
        );
        for path in [vec![0], vec![3], vec![0, 1, 70]] {
            let mut out = Vec::new();
            write_message_indexes(&path, &mut out);
            assert_eq!(message_indexes(&out).unwrap().0, path);
        }
        assert!(message_indexes(&[0x80]).is_err());
        assert!(
            message_indexes(&[3]).is_err(),
            "a negative count is refused"
        );
    }
}
