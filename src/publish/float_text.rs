//! The text of a float written into a data table, remembered by the float's bits for the rows
//! that follow: a KPI's rows repeat its mean, limits and target for months at a time (until a
//! rebase), and finding a float's shortest form is most of what writing it costs.

use std::cell::RefCell;
use std::thread::LocalKey;

/// How many texts a thread remembers for each form, by a hash of the float's bits (a power of
/// two: the hash's top bits pick the slot).
const SLOTS: usize = 64;
const _: () = assert!(SLOTS.is_power_of_two());

/// The longest text remembered: a float's shortest form is at most 24 bytes
/// (`-2.2250738585072014e-308`).
const LONGEST: usize = 24;

/// One remembered text: the float's bits and its text; an empty text is an empty slot (no
/// float's text is empty).
#[derive(Clone, Copy)]
struct Slot {
    bits: u64,
    len: u8,
    text: [u8; LONGEST],
}

/// The texts of one form (the CSV's or the JSON's) a thread wrote last, by the floats' bits.
pub(crate) struct Memo([Slot; SLOTS]);

impl Memo {
    pub(crate) const fn new() -> Memo {
        Memo(
            [Slot {
                bits: 0,
                len: 0,
                text: [0; LONGEST],
            }; SLOTS],
        )
    }
}

/// `then` given the text of `v` in the form `memo` remembers: the remembered one when the float
/// last written in `v`'s slot had `v`'s bits, else the one `make` gives (then remembered in its
/// place). The text is the same either way: it depends on the bits alone. `then` runs while
/// the memo is held, so it must not write a float through the same memo.
pub(crate) fn with_text(
    memo: &'static LocalKey<RefCell<Memo>>,
    v: f64,
    make: impl FnOnce(f64, &mut dyn FnMut(&str)),
    mut then: impl FnMut(&[u8]),
) {
    let bits = v.to_bits();
    let at = (bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOTS.trailing_zeros())) as usize;
    memo.with(|memo| {
        let slot = &mut memo.borrow_mut().0[at];
        if slot.len > 0 && slot.bits == bits {
            return then(&slot.text[..usize::from(slot.len)]);
        }
        make(v, &mut |text| {
            let bytes = text.as_bytes();
            if (1..=LONGEST).contains(&bytes.len()) {
                slot.text[..bytes.len()].copy_from_slice(bytes);
                slot.len = bytes.len() as u8;
                slot.bits = bits;
            }
            then(bytes);
        });
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static TEST: RefCell<Memo> = const { RefCell::new(Memo::new()) };
    }

    /// Writes `v` through the memo, counting the texts made.
    fn written(v: f64, made: &mut usize) -> String {
        let mut out = String::new();
        with_text(
            &TEST,
            v,
            |v, give| {
                *made += 1;
                give(zmij::Buffer::new().format(v))
            },
            |text| out.push_str(std::str::from_utf8(text).unwrap()),
        );
        out
    }

    #[test]
    fn a_float_s_text_is_its_own_whether_remembered_or_made() {
        // Floats whose slots collide, the same float again, signed zeros, the longest texts,
        // and numbers that differ in their last bit.
        let mut floats = vec![
            0.0,
            -0.0,
            1.0,
            308862.97222222225,
            f64::MIN_POSITIVE,
            -2.2250738585072014e-308,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.1 + 0.2,
            0.3,
        ];
        floats.extend((0..2000).map(|i| f64::from(i) * 0.37 - 120.0));
        floats.extend((0..200).map(|i| f64::from_bits(0x4000_0000_0000_0000 + i)));
        let mut made = 0;
        for round in 0..2 {
            for (i, v) in floats.iter().enumerate() {
                let expected = zmij::Buffer::new().format(*v).to_string();
                assert_eq!(written(*v, &mut made), expected, "round {round}, float {i}");
            }
        }
        // More floats than slots: slots were taken by floats with other bits, and the texts
        // they had made again.
        assert!(made > floats.len(), "{made}");
    }

    #[test]
    fn a_repeated_float_is_made_once() {
        let mut made = 0;
        for _ in 0..36 {
            assert_eq!(written(1997673.7922222223, &mut made), "1997673.7922222223");
            assert_eq!(
                written(-1379947.8477777778, &mut made),
                "-1379947.8477777778"
            );
        }
        assert_eq!(made, 2);
    }
}
