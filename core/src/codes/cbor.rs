//! Reading the small CBOR structures of codes, with every shape checked: a scanned string is
//! hostile input.

use ciborium::Value;

use super::CodeRefusal;

pub(crate) fn encode(value: &Value) -> Vec<u8> {
    let mut bytes = Vec::new();
    ciborium::into_writer(value, &mut bytes).expect("writing CBOR to memory cannot fail");
    bytes
}

/// Decodes exactly one item with a small nesting limit (codes are at most two levels deep);
/// trailing bytes are refused, so a code cannot carry a smuggled tail.
pub(crate) fn decode(bytes: &[u8]) -> Result<Value, CodeRefusal> {
    let mut rest = bytes;
    let value = ciborium::de::from_reader_with_recursion_limit(&mut rest, 8)
        .map_err(|_| CodeRefusal::malformed("invalid CBOR"))?;
    if !rest.is_empty() {
        return Err(CodeRefusal::malformed("trailing bytes"));
    }
    Ok(value)
}

pub(crate) fn int(value: i64) -> Value {
    Value::Integer(value.into())
}

pub(crate) fn text(value: &str) -> Value {
    Value::Text(value.to_owned())
}

pub(crate) fn texts(values: &[String]) -> Value {
    Value::Array(values.iter().map(|v| text(v)).collect())
}

/// A map with integer keys, as CWT claims are.
pub(crate) struct Claims(Vec<(Value, Value)>);

impl Claims {
    pub(crate) fn parse(value: Value) -> Result<Claims, CodeRefusal> {
        match value {
            Value::Map(entries) => Ok(Claims(entries)),
            _ => Err(CodeRefusal::malformed("claims are not a map")),
        }
    }

    fn get(&self, key: i64) -> Option<&Value> {
        self.0.iter().find_map(|(k, v)| match k {
            Value::Integer(i) if i128::from(*i) == key as i128 => Some(v),
            _ => None,
        })
    }

    pub(crate) fn int(&self, key: i64) -> Result<i64, CodeRefusal> {
        match self.get(key) {
            Some(Value::Integer(i)) => i64::try_from(i128::from(*i))
                .map_err(|_| CodeRefusal::malformed("integer out of range")),
            _ => Err(CodeRefusal::malformed("missing integer claim")),
        }
    }

    pub(crate) fn text(&self, key: i64) -> Result<String, CodeRefusal> {
        match self.get(key) {
            Some(Value::Text(t)) => Ok(t.clone()),
            _ => Err(CodeRefusal::malformed("missing text claim")),
        }
    }

    pub(crate) fn bytes(&self, key: i64) -> Result<Vec<u8>, CodeRefusal> {
        match self.get(key) {
            Some(Value::Bytes(b)) => Ok(b.clone()),
            _ => Err(CodeRefusal::malformed("missing byte claim")),
        }
    }

    pub(crate) fn texts(&self, key: i64) -> Result<Vec<String>, CodeRefusal> {
        match self.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::Text(t) => Ok(t.clone()),
                    _ => Err(CodeRefusal::malformed("list holds a non-text entry")),
                })
                .collect(),
            _ => Err(CodeRefusal::malformed("missing list claim")),
        }
    }
}

/// Splits a CBOR array into exactly `N` elements.
pub(crate) fn array<const N: usize>(value: Value) -> Result<[Value; N], CodeRefusal> {
    match value {
        Value::Array(items) => items
            .try_into()
            .map_err(|_| CodeRefusal::malformed("array has the wrong length")),
        _ => Err(CodeRefusal::malformed("not an array")),
    }
}
