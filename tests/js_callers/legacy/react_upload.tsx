import React from "react";

const ENDPOINT = "https://api.aimlapi.com" + "/v1/stt";

export function Uploader({ apiKey }: { apiKey: string }) {
  const onChange = async (event: React.ChangeEvent<HTMLInputElement>) => {
    const data = new FormData();
    data.append("model", "#g1_nova-2-general");
    data.append("audio", event.target.files![0]);
    const res = await fetch(ENDPOINT, { method: "POST", body: data, headers: { Authorization: `Bearer ${apiKey}` } }); // LEGACY
    console.log(await res.json());
  };
  return <input type="file" accept="audio/*" onChange={onChange} />;
}
