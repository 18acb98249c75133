"""Call AnimeFace (the `animeface` 2.0.3 wheel) in a way that works with every Pillow version.

`animeface.detect(img)` hands `img.getdata()` (Pillow's ImagingCore) to a C extension compiled against Pillow
4.2.1's headers, which reads the image through that version's `ImagingMemoryInstance` struct. Pillow 12 changed
the struct (`mode` became an enum instead of a 7-byte string), so on Pillow >= 12 the extension reads garbage
and silently returns no faces. Pinning Pillow < 12 would fight every other package; instead we hand the extension
a struct laid out as Pillow 4.2.1's, built with ctypes over our own pixel buffer.

Why this works: the extension does `PyArg_ParseTuple(args, "O", &obj)` and reads `((ImagingObject *) obj)->image`,
the pointer right after the object header. A ctypes Structure instance keeps the pointer to its own data buffer in
that same place (`CDataObject.b_ptr`), so passing the Structure makes `image` point at the fields below.
"""

from __future__ import annotations

import ctypes

import numpy as np
from PIL import Image


class _ImagingMemory421(ctypes.Structure):
    """Pillow 4.2.1's `struct ImagingMemoryInstance` (libImaging/Imaging.h), field for field."""

    _fields_ = [
        ("mode", ctypes.c_char * 7),  # IMAGING_MODE_LENGTH = 6 + 1
        ("type", ctypes.c_int),
        ("depth", ctypes.c_int),
        ("bands", ctypes.c_int),
        ("xsize", ctypes.c_int),
        ("ysize", ctypes.c_int),
        ("palette", ctypes.c_void_p),
        ("image8", ctypes.c_void_p),
        ("image32", ctypes.c_void_p),
        ("image", ctypes.c_void_p),
        ("block", ctypes.c_void_p),
        ("pixelsize", ctypes.c_int),
        ("linesize", ctypes.c_int),
        ("destroy", ctypes.c_void_p),
    ]


def detect_raw(img: Image.Image) -> list[dict]:
    """AnimeFace's raw results (dicts with face_box, left_eye_box, ..., nose_point, chin_point) for an image."""
    from animeface import _nvxs  # the C extension; imported here so the module loads without the extra

    rgb = np.asarray(img.convert("RGB"), dtype=np.uint8)
    h, w = rgb.shape[:2]
    pixels = np.zeros((h, w, 4), dtype=np.uint8)  # Pillow stores RGB as 4 bytes per pixel (RGBX)
    pixels[..., :3] = rgb
    base = pixels.ctypes.data
    rows = (ctypes.c_void_p * h)(*[base + y * w * 4 for y in range(h)])
    rows_addr = ctypes.addressof(rows)
    mem = _ImagingMemory421(
        mode=b"RGB", type=0, depth=8, bands=3, xsize=w, ysize=h,
        image8=rows_addr, image32=rows_addr, image=rows_addr, pixelsize=4, linesize=w * 4,
    )  # fmt: skip
    results = _nvxs.detect(mem)
    del pixels, rows  # kept alive until the call returned
    return list(results)
