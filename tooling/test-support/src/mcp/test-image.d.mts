export declare const TEST_PNG_BASE64: string;
