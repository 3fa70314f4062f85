//! The text of a URL (query values, path segments) read as the OpenAPI
//! document types it, with one error type for paths and queries alike.
//!
//! An integer in a URL is written as one: `7`, not `7.0` nor `7e0`. JSON
//! Schema would count `7.0` as the integer 7, but a URL is text, and an
//! address that names user 7 in two spellings is one a cache, a log search
//! or a rate limit would count twice. Every other type reads as serde's URL
//! readers would (text as text, `true`/`false`, enum names).

use std::borrow::Cow;

use serde::de::value::{CowStrDeserializer, Error};
use serde::de::{self, Error as _, IntoDeserializer, Visitor};

/// One value of a URL, decoded but not yet typed.
pub struct UrlText<'de>(pub Cow<'de, str>);

impl<'de> IntoDeserializer<'de, Error> for UrlText<'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl UrlText<'_> {
    fn integer(&self) -> Result<i128, Error> {
        let text = self.0.as_ref();
        text.parse::<i128>()
            .map_err(|_| Error::custom(format!("{text:?} is not an integer")))
    }

    fn visit_integer<'de, V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, Error> {
        let integer = self.integer()?;
        if let Ok(unsigned) = u64::try_from(integer) {
            visitor.visit_u64(unsigned)
        } else if let Ok(signed) = i64::try_from(integer) {
            visitor.visit_i64(signed)
        } else {
            Err(Error::custom(format!("{integer} is out of range")))
        }
    }
}

macro_rules! integers {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.visit_integer(visitor)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for UrlText<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Cow::Borrowed(text) => visitor.visit_borrowed_str(text),
            Cow::Owned(text) => visitor.visit_string(text),
        }
    }

    integers! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0.parse::<f64>() {
            Ok(number) if number.is_finite() => visitor.visit_f64(number),
            _ => Err(Error::custom(format!("{:?} is not a number", self.0))),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0.as_ref() {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            other => Err(Error::custom(format!("{other:?} is not true or false"))),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let name: CowStrDeserializer<'de, Error> = self.0.into_deserializer();
        visitor.visit_enum(name)
    }

    serde::forward_to_deserialize_any! {
        char str string bytes byte_buf unit unit_struct seq tuple tuple_struct
        map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    fn read<'de, T: Deserialize<'de>>(text: &'de str) -> Result<T, String> {
        T::deserialize(UrlText(Cow::Borrowed(text))).map_err(|err| err.to_string())
    }

    #[test]
    fn integers_are_written_as_integers() {
        assert_eq!(read::<i64>("264"), Ok(264));
        assert_eq!(read::<i64>("-3"), Ok(-3));
        assert_eq!(
            read::<i64>("264.0"),
            Err("\"264.0\" is not an integer".into())
        );
        assert!(read::<i64>("2.64e2").is_err());
        assert_eq!(read::<u64>("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(
            read::<i64>("264.5"),
            Err("\"264.5\" is not an integer".into())
        );
        assert!(read::<i64>("abc").is_err());
        assert!(read::<i64>("inf").is_err());
        assert!(read::<i64>("NaN").is_err());
        assert!(read::<i64>("1e300").is_err());
        assert!(read::<i64>("").is_err());
        assert!(read::<u64>("-1").is_err());
        assert!(read::<u8>("256").is_err());
    }

    #[test]
    fn other_types_read_as_url_text_always_has() {
        #[derive(Debug, Deserialize, PartialEq)]
        #[serde(rename_all = "snake_case")]
        enum Status {
            Pending,
        }
        assert_eq!(read::<String>("264.0"), Ok("264.0".to_owned()));
        assert_eq!(read::<Option<bool>>("true"), Ok(Some(true)));
        assert!(read::<bool>("yes").is_err());
        assert_eq!(read::<Status>("pending"), Ok(Status::Pending));
        assert!(
            read::<Status>("done")
                .unwrap_err()
                .contains("unknown variant")
        );
        assert_eq!(read::<f64>("2.5"), Ok(2.5));
    }
}
