{
  "targets": [
    {
      "target_name": "baseline",
      "sources": ["baseline.c"],
      "cflags": ["-O2", "-Wall"],
      "conditions": [
        ["OS=='linux'", { "libraries": ["-ldl"] }]
      ]
    }
  ]
}
