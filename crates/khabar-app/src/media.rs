//! Image uploads: the type is sniffed from the bytes (never taken from the
//! name), the image is decoded within limits, turned upright by its EXIF
//! orientation and re-encoded, so no metadata (EXIF location, camera,
//! comments) survives; narrower WebP variants are made for `srcset`.

use std::io::Cursor;

use crate::error::{Failure, Kind};
use crate::media_store::{MediaStore, MediaStoreError};
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// Largest upload accepted.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Largest side, and most pixels, accepted: a small file can hold a huge
/// picture of one colour, and a decoded image is width × height × 4 bytes.
/// 24 MP takes a 6000 × 4000 photo; both are read from the header, before
/// anything is decoded.
const MAX_SIDE: u32 = 10_000;
const MAX_PIXELS: u64 = 24_000_000;
/// What a decoder may allocate: the largest image at 8-bit RGBA.
const MAX_DECODED_BYTES: u64 = MAX_PIXELS * 4;
/// Widths of the WebP variants; only those narrower than the image are made.
pub const VARIANT_WIDTHS: [u32; 3] = [480, 960, 1600];
const JPEG_QUALITY: u8 = 85;

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("the file is larger than {} MiB", MAX_UPLOAD_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("only JPEG, PNG and WebP images are accepted")]
    UnsupportedType,
    #[error("the image cannot be read: {0}")]
    Unreadable(String),
    #[error("the image is larger than {MAX_SIDE} pixels on a side or {MAX_PIXELS} pixels in all")]
    TooManyPixels,
    #[error("saving the image failed: {0}")]
    Store(#[from] MediaStoreError),
}

impl Failure for MediaError {
    fn kind(&self) -> Kind {
        match self {
            MediaError::TooLarge => Kind::TooLarge,
            MediaError::UnsupportedType => Kind::UnsupportedType,
            MediaError::Unreadable(_) | MediaError::TooManyPixels => Kind::Invalid,
            MediaError::Store(e) => e.kind(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            MediaError::TooLarge => "file_too_large",
            MediaError::UnsupportedType => "unsupported_type",
            MediaError::Unreadable(_) => "unreadable_image",
            MediaError::TooManyPixels => "image_too_large",
            MediaError::Store(e) => e.code(),
        }
    }
}

/// An upload made safe to serve, with its variants, still in memory.
pub struct Processed {
    pub format: ImageFormat,
    pub width: u32,
    pub height: u32,
    /// The image re-encoded without metadata, in its own format.
    pub bytes: Vec<u8>,
    /// (width, WebP bytes), narrowest first.
    pub variants: Vec<(u32, Vec<u8>)>,
}

impl Processed {
    pub fn content_type(&self) -> &'static str {
        self.format.to_mime_type()
    }

    pub fn extension(&self) -> &'static str {
        match self.format {
            ImageFormat::Png => "png",
            ImageFormat::WebP => "webp",
            _ => "jpg",
        }
    }

    /// The image and its variants as files `{stem}.{ext}` and
    /// `{stem}-{width}.webp`, for [`save_files`]: the original's name,
    /// (width, name) of each variant, then every (name, bytes).
    pub fn into_files(self, stem: &str) -> Upload {
        let name = format!("{stem}.{}", self.extension());
        let mut files = vec![(name.clone(), self.bytes)];
        let mut variants = Vec::new();
        for (width, bytes) in self.variants {
            let variant = format!("{stem}-{width}.webp");
            files.push((variant.clone(), bytes));
            variants.push((width, variant));
        }
        (name, variants, files)
    }
}

/// The original's name, (width, name) of each variant, every (name, bytes).
pub type Upload = (String, Vec<(u32, String)>, Vec<(String, Vec<u8>)>);

/// The upload's sniffed type and its pixels, upright, read within the
/// limits above.
fn decode(upload: &[u8]) -> Result<(ImageFormat, DynamicImage), MediaError> {
    if upload.len() > MAX_UPLOAD_BYTES {
        return Err(MediaError::TooLarge);
    }
    let format = image::guess_format(upload).map_err(|_| MediaError::UnsupportedType)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(MediaError::UnsupportedType);
    }
    let mut reader = ImageReader::with_format(Cursor::new(upload), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(MediaError::TooManyPixels);
    }
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);
    Ok((format, image))
}

/// Square PNG sizes made from a site icon: the favicon (also inside the
/// `.ico`), Apple's touch icon, and the manifest's two.
pub const ICON_SIZES: [u32; 4] = [32, 180, 192, 512];

/// A site icon's files from one source image, as (file name under the
/// media folder's `icons/`, bytes): `{stem}-{size}.png` for each of
/// [`ICON_SIZES`] and `{stem}.ico` (the 32 px PNG inside an icon file,
/// which every current browser reads). A source that is not square is
/// centred on a transparent square rather than cut.
pub fn site_icons(upload: &[u8], stem: &str) -> Result<Vec<(String, Vec<u8>)>, MediaError> {
    let (_, source) = decode(upload)?;
    // Twice the largest icon is plenty, and keeps the square small.
    let source = if source.width().max(source.height()) > 1024 {
        source.thumbnail(1024, 1024)
    } else {
        source
    };
    let side = source.width().max(source.height());
    let mut square = image::RgbaImage::new(side, side);
    image::imageops::overlay(
        &mut square,
        &source.to_rgba8(),
        i64::from((side - source.width()) / 2),
        i64::from((side - source.height()) / 2),
    );
    let square = DynamicImage::ImageRgba8(square);
    let mut files = Vec::with_capacity(ICON_SIZES.len() + 1);
    for size in ICON_SIZES {
        let icon = square.resize_exact(size, size, FilterType::CatmullRom);
        let png = encode(&icon, ImageFormat::Png)?;
        if size == 32 {
            files.push((format!("{stem}.ico"), ico_of(&png, size)));
        }
        files.push((format!("{stem}-{size}.png"), png));
    }
    Ok(files)
}

/// An `.ico` holding one PNG image: the 6-byte header, one 16-byte entry,
/// then the PNG.
fn ico_of(png: &[u8], size: u32) -> Vec<u8> {
    let mut ico = Vec::with_capacity(22 + png.len());
    ico.extend_from_slice(&[0, 0, 1, 0, 1, 0]);
    // Width and height (0 means 256), no palette, reserved, one plane,
    // 32 bits a pixel, the image's length and where it starts.
    let side = u8::try_from(size).unwrap_or(0);
    ico.extend_from_slice(&[side, side, 0, 0, 1, 0, 32, 0]);
    ico.extend_from_slice(&u32::try_from(png.len()).unwrap_or(u32::MAX).to_le_bytes());
    ico.extend_from_slice(&22u32.to_le_bytes());
    ico.extend_from_slice(png);
    ico
}

/// Writes `files` under the media store's folder `dir`, each whole. Names
/// come from the upload's hash, so a file already there has these very
/// bytes and is left alone.
pub async fn save_files(
    media: &MediaStore,
    dir: &str,
    files: Vec<(String, Vec<u8>)>,
) -> Result<(), MediaError> {
    for (name, bytes) in files {
        media.put(&format!("{dir}/{name}"), bytes).await?;
    }
    Ok(())
}

pub fn process(upload: &[u8]) -> Result<Processed, MediaError> {
    let (format, image) = decode(upload)?;
    let bytes = encode(&image, format)?;
    let mut variants = Vec::new();
    for width in VARIANT_WIDTHS {
        if width < image.width() {
            variants.push((width, encode(&narrower(&image, width), ImageFormat::WebP)?));
        }
    }
    Ok(Processed {
        format,
        width: image.width(),
        height: image.height(),
        bytes,
        variants,
    })
}

/// `image` scaled down to `width`. A Catmull-Rom pass holds the source's
/// width × the target's height in floats (over 150 MB from 6000 pixels
/// wide to 1600), so a much wider image is first averaged down to twice
/// the width, which needs no more than its result.
fn narrower(image: &DynamicImage, width: u32) -> DynamicImage {
    if image.width() > 2 * width {
        image
            .thumbnail(2 * width, u32::MAX)
            .resize(width, u32::MAX, FilterType::CatmullRom)
    } else {
        image.resize(width, u32::MAX, FilterType::CatmullRom)
    }
}

fn unreadable(error: image::ImageError) -> MediaError {
    match error {
        image::ImageError::Limits(_) => MediaError::TooManyPixels,
        other => MediaError::Unreadable(other.to_string()),
    }
}

/// Encodes pixels only: nothing of the upload's metadata is carried over.
fn encode(image: &DynamicImage, format: ImageFormat) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::new();
    let result = match format {
        ImageFormat::Jpeg => {
            let encoder = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
            // Converted only when it must be: a copy of a large image is large.
            match image {
                DynamicImage::ImageRgb8(_) => image.write_with_encoder(encoder),
                _ => DynamicImage::ImageRgb8(image.to_rgb8()).write_with_encoder(encoder),
            }
        }
        // The WebP encoder takes 8-bit RGB(A) only.
        ImageFormat::WebP => DynamicImage::ImageRgba8(image.to_rgba8())
            .write_to(&mut Cursor::new(&mut out), ImageFormat::WebP),
        other => image.write_to(&mut Cursor::new(&mut out), other),
    };
    result.map_err(|e| MediaError::Unreadable(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exif_is_applied_then_dropped() {
        let upload = khabar_testkit::images::jpeg_with_exif(1200, 800);
        assert!(upload.windows(4).any(|w| w == b"Exif"));
        let processed = process(&upload).unwrap();
        // Turned upright: the 1200 × 800 photo was taken on its side.
        assert_eq!((processed.width, processed.height), (800, 1200));
        assert_eq!(processed.content_type(), "image/jpeg");
        for bytes in
            std::iter::once(&processed.bytes).chain(processed.variants.iter().map(|v| &v.1))
        {
            assert!(!bytes.windows(4).any(|w| w == b"Exif"));
            let location = khabar_testkit::images::EXIF_LOCATION;
            assert!(!bytes.windows(location.len()).any(|w| w == location));
        }
        // 480 is narrower than 800; 960 and 1600 are not.
        let widths: Vec<u32> = processed.variants.iter().map(|v| v.0).collect();
        assert_eq!(widths, [480]);
        let variant = image::load_from_memory(&processed.variants[0].1).unwrap();
        assert_eq!((variant.width(), variant.height()), (480, 720));
        assert_eq!(
            image::guess_format(&processed.variants[0].1).unwrap(),
            ImageFormat::WebP
        );
    }

    #[test]
    fn only_real_images_of_the_three_types_pass() {
        assert!(matches!(
            process(b"<svg onload=alert(1)>"),
            Err(MediaError::UnsupportedType)
        ));
        assert!(matches!(
            process(b"GIF89a\x01\0\x01\0"),
            Err(MediaError::UnsupportedType)
        ));
        // A PNG signature on garbage.
        let mut fake = b"\x89PNG\r\n\x1a\n".to_vec();
        fake.extend_from_slice(&[0; 64]);
        assert!(matches!(process(&fake), Err(MediaError::Unreadable(_))));
        assert!(matches!(
            process(&vec![0; MAX_UPLOAD_BYTES + 1]),
            Err(MediaError::TooLarge)
        ));
    }

    #[test]
    fn a_huge_picture_in_a_small_file_is_refused_from_its_header() {
        // 6,300 × 6,300 declared by a PNG header with no pixel data at all:
        // refused before decoding would allocate 119 MB.
        let upload = khabar_testkit::images::png_header(6_300, 6_300);
        assert!(upload.len() < 100);
        assert!(matches!(process(&upload), Err(MediaError::TooManyPixels)));
    }
}
