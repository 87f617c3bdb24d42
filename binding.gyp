{
  "targets": [
    {
      "target_name": "callplan",
      "sources": [
        "native/interp/addon.cc",
        "native/interp/interp.cc",
        "native/interp/convert.cc",
        "native/interp/marshal.cc",
        "native/interp/memory.cc",
        "native/interp/async.cc",
        "native/interp/callback.cc",
        "native/interp/scope.cc",
        "native/interp/poll.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native/interp"],
      "defines": ["NAPI_VERSION=8", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions", "-O3"],
      "cflags_cc!": ["-fno-exceptions", "-O3"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-fvisibility=hidden"],
      "cflags_cc": ["-O2", "-Wall", "-Wextra", "-fno-exceptions", "-fvisibility=hidden"],
      "ldflags": ["-ldl"],
      "conditions": [
        ["target_arch=='x64'", {"sources": ["native/asm/x64_sysv.S", "native/trampolines/x64_sysv.S"]}],
        ["target_arch=='arm64'", {"sources": ["native/asm/arm64_aapcs.S", "native/trampolines/arm64_aapcs.S"]}],
        ["target_arch=='ia32'", {"sources": ["native/asm/i386_sysv.S", "native/trampolines/i386_sysv.S"]}]
      ]
    }
  ]
}
